import {Flags} from '@oclif/core'

import {CarveCommand} from '../src/cli/base.js'
import {parseTarget} from '../src/db/target.js'
import {CarveError, EXIT} from '../src/errors.js'
import {runRelay, type RelayResult} from '../src/execute/relay/relay.js'
import {parseSink} from '../src/execute/relay/sinks.js'
import {eventsPublication, relaySlot} from '../src/steps/outbox/publication.js'

export default class Relay extends CarveCommand {
  static override summary = 'Deliver a context\'s events from the WAL to a file or stdout (no Kafka needed).'

  static override description = `With the default outbox (carve plan --outbox wal), a context's events are not written by the application: its plan's outbox step creates a publication (carve_events_<context>) over the context's tables, and every committed change is read from PostgreSQL's write-ahead log by logical decoding (pgoutput). In production Debezium reads it (contexts/<context>/api/debezium-postgres.json in the plan); carve relay is the small reader for teams without Kafka, and for tests.

It creates its replication slot (carve_relay_<context>) on the first start — events are kept from then on — reads whole committed transactions from it, writes them as JSON Lines in the outbox's shape (id, aggregate_type, aggregate_id, event_type, payload, created_at), and moves the slot past them only once the sink has them. Restart it at will, or kill it: the slot is its position. With --sink file:PATH every event arrives exactly once across restarts (the file's last event id says what it already has; a line cut by a kill is dropped and written again); with --sink stdout, at least once (deduplicate by id).

Needs a PostgreSQL server with wal_level=logical and a role with the REPLICATION attribute (or a superuser). A slot whose reader stays stopped keeps WAL on the server: stop for good with carve rollback (the outbox step drops the slot) or pg_drop_replication_slot.`

  static override examples = [
    {description: 'Follow the orders context\'s events into a file, until Ctrl-C', command: '<%= config.bin %> <%= command.id %> --context orders --db postgres://relay@db/legacy --sink file:orders-events.jsonl'},
    {description: 'Deliver what is there now and stop (a cron job), as JSON Lines on stdout', command: '<%= config.bin %> <%= command.id %> --context orders --sink stdout --once'},
  ]

  static override flags = {
    context: Flags.string({summary: 'The context whose events to deliver (its publication carve_events_<context>).', required: true}),
    db: Flags.string({summary: 'PostgreSQL server URL (postgres://…); read from DATABASE_URL when not given.', env: 'DATABASE_URL', helpGroup: 'CONNECTION'}),
    sink: Flags.string({summary: 'Where events go: file:PATH (JSON Lines, exactly once across restarts) or stdout (at least once).', default: 'stdout'}),
    once: Flags.boolean({summary: 'Deliver the events the slot holds now, then exit (default: follow until Ctrl-C or SIGTERM).'}),
    slot: Flags.string({summary: 'Replication slot to read (default carve_relay_<context>; created when missing).'}),
    publication: Flags.string({summary: 'Publication to read (default carve_events_<context>, created by the plan\'s outbox step).'}),
    'batch-size': Flags.integer({summary: 'Changes per read; whole transactions are always delivered together.', default: 2000, min: 1}),
    'poll-interval': Flags.integer({summary: 'Milliseconds to wait when no new change arrived.', default: 250, min: 10}),
  }

  async run(): Promise<RelayResult> {
    const {flags} = await this.parse(Relay)
    if (!flags.db) throw new CarveError('usage.no-db', 'no database given', {exitCode: EXIT.usage, hint: 'pass --db postgres://… or set DATABASE_URL'})
    const target = parseTarget(flags.db)
    if (target.kind !== 'postgres') {
      throw new CarveError('relay.engine', `carve relay reads a PostgreSQL server's WAL; ${target.kind === 'mysql' ? 'on MySQL/MariaDB the binlog is read by Debezium\'s MySQL connector (see contexts/<context>/events.md in the plan)' : 'the embedded PostgreSQL (PGlite) has no logical decoding'}`, {
        exitCode: EXIT.usage,
        hint: 'pass --db postgres://… of a server with wal_level=logical',
      })
    }
    if (flags.json && (flags.sink === 'stdout' || flags.sink === '-')) {
      throw new CarveError('usage.sink', '--json prints the summary on stdout, where --sink stdout prints the events', {exitCode: EXIT.usage, hint: 'with --json, deliver to a file: --sink file:PATH'})
    }
    const sink = parseSink(flags.sink)
    if (flags.sink === 'stdout' && !flags.json && !flags.once && process.stdout.isTTY) this.progress('events print here as JSON Lines; Ctrl-C stops')
    const stop = new AbortController()
    const onSignal = () => stop.abort()
    process.once('SIGINT', onSignal)
    process.once('SIGTERM', onSignal)
    try {
      this.progress(`relaying ${flags.publication ?? eventsPublication(flags.context)} through slot ${flags.slot ?? relaySlot(flags.context)} to ${sink.describe()}`)
      const result = await runRelay(target.url, {
        context: flags.context,
        publication: flags.publication,
        slot: flags.slot,
        sink,
        batchChanges: flags['batch-size'],
        pollMs: flags['poll-interval'],
        once: flags.once,
        signal: stop.signal,
        onProgress: (m) => this.progress(m),
      })
      // Events go to stdout with --sink stdout: the summary then goes to stderr.
      const summary = `${result.delivered} event${result.delivered === 1 ? '' : 's'} delivered to ${result.sink} from ${result.transactions} transaction${result.transactions === 1 ? '' : 's'}${result.skipped ? ` (${result.skipped} already there, skipped)` : ''}${result.truncatesIgnored ? `; ${result.truncatesIgnored} TRUNCATE${result.truncatesIgnored === 1 ? '' : 's'} not turned into events` : ''}; slot ${result.slot} at ${result.position ?? '?'}`
      if (!this.jsonEnabled()) process.stderr.write(summary + '\n')
      return result
    } finally {
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
    }
  }
}

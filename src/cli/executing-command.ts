/**
 * What the commands that run a plan's steps (apply, rollback, verify) share for output: with
 * --json, one JSON object per line on stdout — the executor's events while running, then the
 * result (or the error) last — so a pipe can follow a long run and still find its outcome on
 * the last line. Without --json, progress goes to stderr (a task list or plain lines).
 */
import {createRenderer, progressMode, type ProgressRenderer} from '../execute/progress.js'
import {CarveCommand} from './base.js'

/** The --help sentence every executing command ends its description with (one wording, one place). */
export function jsonLinesHelp(result: string): string {
  return `--json prints one JSON object per line on stdout: each event while running ({"event": "start"|"lock-wait"|"info"|"step-start"|"step-done"|"step-failed"|"retry"|"progress"|"end", ...}), and last the result (${result}) or, on failure, {"error": {"code", "message", "hint"}}.`
}

export abstract class ExecutingCommand extends CarveCommand {
  /** One line per object: the result (and an error) follow the events in the same stream. */
  protected override logJson(json: unknown): void {
    process.stdout.write(JSON.stringify(json) + '\n')
  }

  /** Events as JSON lines with --json, else as progress for people on stderr. */
  protected progressRenderer(): ProgressRenderer {
    return createRenderer(progressMode(this.jsonEnabled()))
  }
}

/**
 * An example of the module Carve generates next to server.ts: which tables the API serves and
 * how. This one only keeps the template type-checked in Carve's repository; every plan writes
 * its own entities.ts for its context.
 */
import type {EntitySpec} from './contract.js'

export const CONTEXT = 'example'
/** 'postgresql': the tables live in schema SCHEMA; 'mysql': in database SCHEMA. */
export const ENGINE: 'postgresql' | 'mysql' = 'postgresql'
export const SCHEMA = 'example'

export const entities: EntitySpec[] = [
  {
    path: '/notes',
    typeName: 'Notes',
    table: 'notes',
    columns: {id: 'value', tenant_id: 'value', body: 'value', valid_from: 'value', valid_to: 'value'},
    primaryKey: ['id'],
    pathKey: [{column: 'id', param: 'id'}],
    tenant: 'tenant_id',
    create: {body: 'value', valid_from: 'value'},
    required: ['body'],
    update: null,
    scd2: {from: 'valid_from', to: 'valid_to', versionKey: [], revise: {body: 'value'}, copied: ['body']},
  },
]

/**
 * Mermaid diagrams of a plan, one module per kind: where the data stands at each maturity level
 * (maturity-diagrams.ts), each context's tables (er-diagram.ts), and the sequences of a physical
 * split (split-sequences.ts). Re-exported here so callers have one place to import from.
 */
export {contextErDiagram} from './er-diagram.js'
export {MATURITY_LEVELS, type MaturityLevel, maturityDiagram} from './maturity-diagrams.js'
export {cutoverSequence, dualWriteSequence} from './split-sequences.js'

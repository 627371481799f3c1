// Loaded with `node --import`: records every module URL the process resolves into $IMPORT_TRACE_FILE.
import {register} from 'node:module'

register('./import-trace-hooks.mjs', import.meta.url, {data: {file: process.env.IMPORT_TRACE_FILE}})

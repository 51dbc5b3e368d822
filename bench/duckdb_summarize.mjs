// duckdb_summarize.mjs - DuckDB's SUMMARIZE over one file: the quick column
// profile users would run instead of gapscan.
//
//   node bench/duckdb_summarize.mjs FILE csv|json
//
// Resolves @duckdb/node-api from NODE_PATH (bench/run.sh installs it into
// build-bench/node_modules). DuckDB uses every core, as users run it.
// Its defaults fail on bench/gen_corpus.py's messy files, so this passes the
// options a user adds after reading the error:
//   CSV  strict_mode=false (the dialect sniffer rejects mixed CRLF/LF rows)
//        and nullstr with 'NaN' (SUMMARIZE's STDDEV_SAMP fails on NaN in a
//        DOUBLE column: "Out of Range Error");
//   JSON sample_size=-1 (a key first seen after the 20,480-line sample is a
//        "JSON transform error").
// Prints the number of summarized columns, so the work cannot be skipped.
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(path.join(process.env.NODE_PATH || '.', 'x.js'));
const { DuckDBInstance } = require('@duckdb/node-api');

const [file, kind] = process.argv.slice(2);
if (!file || (kind !== 'csv' && kind !== 'json')) {
  console.error('usage: duckdb_summarize.mjs FILE csv|json');
  process.exit(2);
}
const quoted = "'" + file.replace(/'/g, "''") + "'";
const source = kind === 'json'
  ? `read_json_auto(${quoted}, sample_size = -1)`
  : `read_csv_auto(${quoted}, strict_mode = false, nullstr = ['', 'NULL', 'N/A', 'NaN'])`;
const instance = await DuckDBInstance.create(':memory:');
const con = await instance.connect();
const result = await con.runAndReadAll(`SUMMARIZE SELECT * FROM ${source}`);
console.log(`duckdb ${kind}: ${result.getRows().length} columns summarized`);

// Build-time helper, run by scripts/slidesite/livecode_assets.py with Node:
//   node snapshot.mjs PYODIDE_DIR OUT_DIR
// Starts the Pyodide core once, imports the pure-Python standard modules that numpy,
// matplotlib and Pyodide's package installer need, and writes the interpreter's memory
// as OUT_DIR/snapshot.bin.gz. The worker restores it instead of initialising Python,
// which saves most of the core's start-up. Only the standard library is imported here:
// a package with compiled code (numpy, ...) cannot be part of a memory snapshot, and
// nothing that makes callbacks (ctypes) is imported, as JS-side state is not saved.
// The worker re-seeds `random` and resets os.environ after restoring (see worker.js).
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { pathToFileURL } from "node:url";

const [pyodideDir, outDir] = process.argv.slice(2);
const { loadPyodide } = await import(pathToFileURL(path.join(pyodideDir, "pyodide.mjs")).href);
const py = await loadPyodide({
  indexURL: pyodideDir + path.sep,
  env: { HOME: "/home/pyodide" },
  stdout: () => {},
  stderr: (s) => process.stderr.write(s + "\n"),
  _makeSnapshot: true,
});
const scope = py.toPy({}); // not __main__: a restored interpreter starts with it empty
py.runPython(
  `
import __future__, base64, calendar, csv, dataclasses, datetime, decimal, email.message
import email.parser, gzip, hashlib, html, importlib.metadata, json, numbers, pickle
import platform, pprint, shlex, tarfile, unicodedata, uuid
`,
  { globals: scope },
);
scope.destroy();
const snapshot = py.makeMemorySnapshot();
fs.mkdirSync(outDir, { recursive: true });
fs.writeFileSync(path.join(outDir, "snapshot.bin.gz"), zlib.gzipSync(snapshot, { level: 9 }));

// Build-time helper, run by scripts/slidesite/livecode_assets.py with Node:
//   node precompile.mjs PYODIDE_DIR OUT_DIR
// Loads Pyodide (the same core and verified wheels the site serves), imports numpy and
// matplotlib.pyplot, draws one figure, then writes
//   OUT_DIR/pyc-numpy.zip, OUT_DIR/pyc-matplotlib.zip: bytecode (unchecked-hash .pyc) of
//     every module that took, so the browser does not compile them on each visit;
//   OUT_DIR/fontlist.json: matplotlib's font cache, so it is not rebuilt on each visit.
// The wheels themselves stay byte-identical to the lock file.
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [pyodideDir, outDir] = process.argv.slice(2);
const { loadPyodide } = await import(pathToFileURL(path.join(pyodideDir, "pyodide.mjs")).href);
const py = await loadPyodide({
  indexURL: pyodideDir + path.sep,
  env: { HOME: "/home/pyodide", MPLBACKEND: "Agg", MPLCONFIGDIR: "/home/pyodide/.matplotlib" },
  stdout: () => {},
  stderr: () => {},
});
await py.loadPackage(["numpy", "matplotlib"], { messageCallback: () => {} });
py.runPython(`
import io, json, os, py_compile, sys, zipfile
import numpy
import matplotlib
matplotlib.use("Agg")
from matplotlib import font_manager
import matplotlib.pyplot as plt
fig, ax = plt.subplots()
ax.plot(numpy.arange(3), numpy.arange(3) ** 2)
ax.set_title("t")
fig.savefig(io.BytesIO(), format="png")
plt.close("all")

font_manager.json_dump(font_manager.fontManager, "/tmp/fontlist.json")
site = "/lib/python3.12/site-packages/"
zips = {name: zipfile.ZipFile(f"/tmp/pyc-{name}.zip", "w", zipfile.ZIP_DEFLATED) for name in ("numpy", "matplotlib")}
count = 0
for module in list(sys.modules.values()):
    source = getattr(module, "__file__", None)
    if not source or not source.startswith(site) or not source.endswith(".py"):
        continue
    rel = source[len(site):]
    pyc = py_compile.compile(source, doraise=True, invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
    zips["numpy" if rel.startswith("numpy/") else "matplotlib"].write(pyc, pyc[len(site):])
    count += 1
for z in zips.values():
    z.close()
`);
fs.mkdirSync(outDir, { recursive: true });
for (const name of ["pyc-numpy.zip", "pyc-matplotlib.zip", "fontlist.json"]) {
  fs.writeFileSync(path.join(outDir, name), py.FS.readFile(`/tmp/${name}`));
}
const version = py.runPython("from matplotlib import font_manager; font_manager.FontManager.__version__");
fs.writeFileSync(path.join(outDir, "fontlist-version.txt"), String(version));

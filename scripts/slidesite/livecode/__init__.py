"""The Python half of the live-cell runtime: the same files run in the browser (Pyodide) and at build."""

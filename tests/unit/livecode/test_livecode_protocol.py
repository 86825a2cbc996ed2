"""The page ↔ worker protocol (theme/livecode/src/protocol.js), run in Node, and how the
runtime's modules use it: every message is built by a protocol helper and read by one
dispatcher, and the package list is nowhere hard-coded in the runtime."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

from tests.support import REPO

SRC = REPO / "theme" / "livecode" / "src"

# Imports protocol.js and prints what the helpers build and what dispatch does.
SCRIPT = """
import * as p from %s;
const built = {
  init: p.toWorker.init({ indexURL: "i/", extrasURL: "e/", hints: ["numpy"], packages: ["numpy"],
    pyodideVersion: "0.27.7", speedups: true, reason: "run", interruptBuffer: null }),
  run: p.toWorker.run({ id: 3, cell: 2, code: "x", page: 1, modules: [{ name: "m.py", text: "a" }, { name: "n.py", text: "b" }],
    maxLines: 10, maxChars: 20 }),
  preload: p.toWorker.preload("import numpy"),
  progress: p.toPage.progress("t", 0.5),
  ready: p.toPage.ready({ version: "0.27.7", isolated: false, timing: { core: 1 } }),
  fatal: p.toPage.fatal("m"),
  loading: p.toPage.loading(3, "Loading numpy"),
  start: p.toPage.start(3),
  out: p.toPage.out(3, "stdout", "hi"),
  done: p.toPage.done(3, "ok", { timing: { exec: 1 } }),
  doneError: p.toPage.done(4, "error", { error: "boom" }),
  checked: p.toPage.checked(3, [{ line: "f(1)", ok: false, message: "m" }]),
  runCheck: p.toWorker.run({ id: 5, cell: 2, code: "x", page: 1, modules: [{ name: "m.py", text: "a" }], maxLines: 10,
    maxChars: 20, prelude: [{ cell: 1, code: "def f(x): pass" }], check: { lines: ["f(1)"], expected: [] } }),
  preloaded: p.toPage.preloaded({ packages: 1 }),
};
const seen = [];
const handled = p.dispatch({ out: (m) => { seen.push(m.text); return "r"; } }, built.out);
const unknown = p.dispatch({ out: () => "r" }, { type: "nope" });
const inherited = p.dispatch({}, { type: "toString" });
console.log(JSON.stringify({ built, TO_WORKER: p.TO_WORKER, TO_PAGE: p.TO_PAGE, seen, handled,
  unknown: unknown === undefined, inherited: inherited === undefined }));
"""


@pytest.fixture(scope="module")
def protocol() -> dict:
    node = shutil.which("node")
    if node is None:
        pytest.fail("node not found: install Node.js 20 or newer")
    url = json.dumps((SRC / "protocol.js").as_uri())
    result = subprocess.run(
        [node, "--input-type=module", "-e", SCRIPT % url], capture_output=True, text=True, check=True, timeout=60
    )
    return json.loads(result.stdout)


def test_every_helper_builds_its_own_type(protocol: dict) -> None:
    built = protocol["built"]
    assert {m["type"] for m in built.values()} == set(protocol["TO_WORKER"].values()) | set(protocol["TO_PAGE"].values())
    assert built["run"] == {
        "type": "run", "id": 3, "cell": 2, "code": "x", "page": 1,
        "modules": [{"name": "m.py", "text": "a"}, {"name": "n.py", "text": "b"}],
        "moduleCode": "a\nb", "maxLines": 10, "maxChars": 20, "prelude": [], "check": None,
    }  # fmt: skip
    # An exercise's check and the solutions run before a cell; their code is scanned for imports too.
    assert built["runCheck"]["moduleCode"] == "a\ndef f(x): pass"
    assert built["runCheck"]["check"] == {"lines": ["f(1)"], "expected": []}
    assert built["checked"] == {"type": "checked", "id": 3, "results": [{"line": "f(1)", "ok": False, "message": "m"}]}
    # Every message about a job carries its id; the start-up and preload messages do not.
    for name in ("run", "loading", "start", "out", "done", "checked"):
        assert built[name]["id"] == 3, name
    for name in ("init", "preload", "progress", "ready", "fatal", "preloaded"):
        assert "id" not in built[name], name
    assert built["done"] == {"type": "done", "id": 3, "status": "ok", "timing": {"exec": 1}}
    assert built["doneError"] == {"type": "done", "id": 4, "status": "error", "error": "boom"}
    assert built["init"]["packages"] == ["numpy"] and built["init"]["speedups"] is True


def test_dispatch_calls_one_handler_and_ignores_unknown_types(protocol: dict) -> None:
    assert protocol["seen"] == ["hi"] and protocol["handled"] == "r"
    assert protocol["unknown"] is True and protocol["inherited"] is True


def test_both_sides_use_the_protocol_for_every_message(protocol: dict) -> None:
    worker = (SRC / "worker.js").read_text(encoding="utf-8")
    runtime = (SRC / "runtime.js").read_text(encoding="utf-8")
    for name, source in (("worker.js", worker), ("runtime.js", runtime)):
        assert 'from "./protocol.js"' in source, name
        assert "dispatch(" in source, name
        # No message written out by hand: every post goes through a protocol helper.
        assert not re.search(r"(postMessage|send)\(\s*\{", source), name
    assert re.findall(r"postMessage\(\s*(\w+)", runtime) == ["toWorker", "toWorker", "toWorker"]
    assert set(re.findall(r"send\((\w+)\.", worker)) == {"toPage"}
    # Each side handles exactly the messages the other side sends.
    worker_handlers = re.search(r"const handlers = \{([^}]*)\};", worker)
    assert worker_handlers is not None
    assert {name.strip() for name in worker_handlers.group(1).split(",")} == set(protocol["TO_WORKER"])
    page_handlers = runtime[runtime.index("makeHandlers() {") :]
    page_handlers = page_handlers[: page_handlers.index("\n    };\n")]
    assert set(re.findall(r"^      (\w+): \(msg\) =>", page_handlers, re.M)) == set(protocol["TO_PAGE"])


def test_package_list_is_not_hard_coded_in_the_runtime() -> None:
    # It comes from the build (PACKAGES → livecode-config meta → config.packages).
    for path in SRC.glob("*.js"):
        assert "numpy" not in path.read_text(encoding="utf-8"), path.name

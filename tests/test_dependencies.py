"""The dependency files agree: every package the code imports is pinned in an input
(requirements*.txt), and the locks (requirements*.lock, `make lock`) hold those pins, with
hashes, the dev lock agreeing with the runtime one."""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIRST_PARTY = {"dashboard", "db", "pages", "scripts", "services", "settings", "tests", "ui"}
RUNTIME_CODE = ["dashboard.py", "settings.py", "db", "pages", "services", "ui"]
DEV_CODE = ["scripts", "tests"]
PIN = re.compile(r"^([A-Za-z0-9._-]+)(?:\[[^\]]*\])?==(\S+)")


def _name(distribution: str) -> str:
    return re.sub(r"[-_.]+", "-", distribution).lower()


def _inputs(file_name: str) -> dict[str, str]:
    """The exact pins of an input file, following ``-r`` includes."""
    pins: dict[str, str] = {}
    for line in (ROOT / file_name).read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line.startswith("-r "):
            pins |= _inputs(line.removeprefix("-r ").strip())
        elif line:
            match = PIN.match(line)
            assert match, f"{file_name}: {line!r} is not an exact pin (name==version)"
            pins[_name(match[1])] = match[2]
    return pins


def _lock(file_name: str) -> dict[str, tuple[str, frozenset[str]]]:
    """Each locked package: its version and its hashes."""
    entries: dict[str, tuple[str, frozenset[str]]] = {}
    text = (ROOT / file_name).read_text(encoding="utf-8")
    for block in re.split(r"\n(?=\S)", text):
        match = PIN.match(block)
        if match:
            hashes = frozenset(re.findall(r"--hash=(sha256:[0-9a-f]{64})", block))
            entries[_name(match[1])] = (match[2], hashes)
    assert entries, f"{file_name} pins nothing"
    return entries


@pytest.mark.parametrize(
    ("inputs", "lock"),
    [("requirements.txt", "requirements.lock"), ("requirements-dev.txt", "requirements-dev.lock")],
)
def test_each_lock_holds_its_inputs_pins_with_hashes(inputs: str, lock: str) -> None:
    locked = _lock(lock)
    stale = {
        name: (version, locked.get(name, ("missing", frozenset()))[0])
        for name, version in _inputs(inputs).items()
        if locked.get(name, ("", frozenset()))[0] != version
    }
    assert stale == {}, f"{lock} is stale for {inputs} (pin, locked): run `make lock`"
    assert [name for name, (_, hashes) in locked.items() if not hashes] == []


def test_dev_lock_installs_the_runtime_lock_unchanged() -> None:
    runtime, dev = _lock("requirements.lock"), _lock("requirements-dev.lock")
    assert {name: dev.get(name) for name in runtime} == runtime, "run `make lock`"


def _third_party_imports(paths: list[str]) -> dict[str, str]:
    """Top-level modules imported by the code that are neither stdlib nor ours: module → file."""
    files = [p for path in paths for p in ([ROOT / path] if path.endswith(".py") else [])]
    files += [p for path in paths if not path.endswith(".py") for p in (ROOT / path).rglob("*.py")]
    found: dict[str, str] = {}
    for file in sorted(files):
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                modules = [node.module]
            else:
                continue
            for module in modules:
                top = module.split(".")[0]
                if top not in sys.stdlib_module_names and top not in FIRST_PARTY:
                    found.setdefault(top, str(file.relative_to(ROOT)))
    return found


@pytest.mark.parametrize(
    ("paths", "inputs"), [(RUNTIME_CODE, "requirements.txt"), (DEV_CODE, "requirements-dev.txt")]
)
def test_every_imported_package_is_pinned_directly(paths: list[str], inputs: str) -> None:
    """A package the code imports but only gets through another one's dependencies would move,
    or vanish, when that other one is upgraded."""
    pinned = set(_inputs(inputs))
    distributions = importlib.metadata.packages_distributions()
    unpinned = {
        module: file
        for module, file in _third_party_imports(paths).items()
        if not {_name(d) for d in distributions.get(module, [module])} & pinned
    }
    assert unpinned == {}, f"imported but not pinned in {inputs}"

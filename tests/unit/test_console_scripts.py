"""The console's JavaScript modules, read as text: every import names a module that exists and names it
exports, and no module imports itself back through others (a cycle runs one module's body before what it
imports from the other is defined)."""

from __future__ import annotations

import re
from pathlib import Path

STATIC = Path(__file__).resolve().parents[2] / "services" / "console" / "static"

# `import {a, b} from "./x.js"` and `export {a} from "./x.js"` (over several lines), `import "./x.js"`,
# and `import("./x.js")`
FROM = re.compile(r"""^\s*(import|export)\b([^;"']*?)\bfrom\s*["']([^"']+)["']""", re.MULTILINE)
BARE = re.compile(r"""^\s*import\s*["']([^"']+)["']""", re.MULTILINE)
DYNAMIC = re.compile(r"""\bimport\s*\(\s*["']([^"']+)["']\s*\)""")
DECLARED = re.compile(r"^export\s+(?:async\s+)?(?:function\*?|const|let|var|class)\s+([A-Za-z_$][\w$]*)", re.MULTILINE)
NAMES = re.compile(r"\{([^}]*)\}")


def modules() -> list[Path]:
    return sorted(STATIC.rglob("*.js"))


def _named(clause: str) -> set[str]:
    """The names a `{a, b as c}` clause takes from the other module (`a`, `b`)."""
    found = NAMES.search(clause)
    return {part.split(" as ")[0].strip() for part in found.group(1).split(",") if part.strip()} if found else set()


def imports(module: Path) -> dict[Path, set[str]]:
    """The modules this one imports or re-exports from, each with the names it takes from them."""
    source = module.read_text()
    taken: dict[Path, set[str]] = {}
    for _, clause, target in FROM.findall(source):
        taken.setdefault((module.parent / target).resolve(), set()).update(_named(clause))
    for target in BARE.findall(source) + DYNAMIC.findall(source):
        taken.setdefault((module.parent / target).resolve(), set())
    return taken


def exports(module: Path) -> set[str]:
    source = module.read_text()
    re_exported = {name for kind, clause, _ in FROM.findall(source) if kind == "export" for name in _named(clause)}
    return set(DECLARED.findall(source)) | re_exported


def cycles(graph: dict[Path, set[Path]]) -> list[list[Path]]:
    """Every cycle a depth-first walk meets, each as the modules along it."""
    found: list[list[Path]] = []
    done: set[Path] = set()

    def walk(module: Path, path: list[Path]) -> None:
        if module in path:
            found.append([*path[path.index(module) :], module])
            return
        if module in done:
            return
        for target in sorted(graph.get(module, ())):
            walk(target, [*path, module])
        done.add(module)

    for module in sorted(graph):
        walk(module, [])
    return found


def test_every_import_names_a_module_that_exists_and_names_it_exports() -> None:
    problems = []
    for module in modules():
        for target, names in imports(module).items():
            if not target.is_file():
                problems.append(f"{module.relative_to(STATIC)} imports {target} that does not exist")
            elif missing := names - exports(target):
                problems.append(f"{module.relative_to(STATIC)} imports {sorted(missing)} not exported by {target.name}")
    assert not problems, "\n".join(problems)


def test_no_module_imports_itself_back() -> None:
    graph = {module.resolve(): set(imports(module)) for module in modules()}
    found = [" -> ".join(str(m.relative_to(STATIC)) for m in cycle) for cycle in cycles(graph)]
    assert not found, "import cycles among the console's scripts:\n" + "\n".join(found)


def test_the_reading_sees_every_kind_of_import_and_a_cycle() -> None:
    assert _named(" { api, h as element,\n  toast } ") == {"api", "h", "toast"}
    a, b, c = Path("/a.js"), Path("/b.js"), Path("/c.js")
    assert cycles({a: {b}, b: {c}, c: {a}}) == [[a, b, c, a]]
    assert cycles({a: {b, c}, b: {c}, c: set()}) == []
    source = 'import { x,\n  y } from "./m.js";\nexport { z } from "./n.js";\n'
    source += 'import "./o.js";\nawait import("./p.js");\n'
    assert [target for _, _, target in FROM.findall(source)] == ["./m.js", "./n.js"]
    assert BARE.findall(source) == ["./o.js"] and DYNAMIC.findall(source) == ["./p.js"]

"""Installing hotjar-cli compiles the pure core's per-event modules with mypyc, beside their Python sources.

The Python modules stay the source of truth and the fallback: when compiling is not possible (no C compiler, or
mypyc refuses a module) the install goes on with pure Python and says why once, and `HOTJAR_CLI_PURE_PYTHON=1`
installs pure Python on purpose. Every install writes `hotjar_cli/compiled.txt`: the modules compiled, and every
source of the core with its size and CRC, so that `hotjar_cli.compiled` uses the compiled modules only while the
core's sources are unchanged, and `hotjar-cli --version` can say which the core is.

The modules to compile are listed in pyproject.toml, `[tool.hatch.build.targets.wheel.hooks.custom]`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import zlib
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

PURE_PYTHON_VARIABLE = "HOTJAR_CLI_PURE_PYTHON"
MANIFEST = "hotjar_cli/compiled.txt"
GROUP = "hotjar_cli.core.native"
"""The compiled modules share one library, `hotjar_cli/core/native__mypyc`: they call each other directly."""

# Run in a child process, so that mypyc's and setuptools' failures (and their output) stay contained.
_COMPILE = """
import sys
from mypyc.build import mypycify
from setuptools import Extension, setup

work, config, *sources = sys.argv[1:]
extensions = mypycify(
    [f"--config-file={config}", f"--cache-dir={work}/mypy", *(s for s in sources if "=" not in s)],
    opt_level="3",
    target_dir=f"{work}/c",
    group_name="GROUP",
)
extensions += [
    Extension(name, [source], extra_compile_args=["-O2"])
    for source, name in (s.split("=") for s in sources if "=" in s)
]
setup(
    name="hotjar-cli-core",
    ext_modules=extensions,
    script_args=["build_ext", "--build-lib", f"{work}/lib", "--build-temp", f"{work}/o", "--quiet"],
)
""".replace("GROUP", GROUP)


class CompiledCoreHook(BuildHookInterface):
    """Compiles the listed core modules in place, or records why the core stays pure Python."""

    PLUGIN_NAME = "custom"

    def dependencies(self) -> list[str]:
        """What compiling needs in the build environment: nothing for a pure-Python install."""
        if _pure_python_wanted():
            return []
        # mypyc (in mypy) compiles through setuptools, and reads msgspec's and orjson's types.
        return ["mypy==2.4.1", "setuptools>=70", "msgspec>=0.18", "orjson>=3.9"]

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        """Compile before the wheel is assembled; a standard wheel then carries the compiled modules."""
        if self.target_name != "wheel":
            return
        root = Path(self.root)
        sources: list[str] = list(self.config.get("compile", []))
        _remove_compiled(root)
        if _pure_python_wanted():
            reason = f"{PURE_PYTHON_VARIABLE} was set at install"
            built: list[Path] = []
        else:
            reason, built = _compile(root, sources)
        if reason:
            self.app.display_warning(f"hotjar-cli: the core is installed as pure Python ({reason})")
            _write_manifest(root, f"pure {reason}", [])
        else:
            _write_manifest(root, "compiled", sources)
        if version == "standard":
            build_data["force_include"][str(root / MANIFEST)] = MANIFEST
            for path in built:
                build_data["force_include"][str(path)] = path.relative_to(root).as_posix()
            if built:
                build_data["pure_python"] = False
                build_data["infer_tag"] = True


def _pure_python_wanted() -> bool:
    return os.environ.get(PURE_PYTHON_VARIABLE, "") not in ("", "0")


def _compile(root: Path, sources: list[str]) -> tuple[str, list[Path]]:
    """Compile `sources` into the tree beside them: the files made, or why nothing was."""
    if not sources:
        return "no modules are listed to compile", []
    with tempfile.TemporaryDirectory(prefix="hotjar-cli-mypyc-") as work:
        try:
            done = subprocess.run(
                [
                    sys.executable,
                    "-c",
                    _COMPILE,
                    work,
                    str(root / "pyproject.toml"),
                    *(_argument(root, s) for s in sources),
                ],
                cwd=work,
                capture_output=True,
                text=True,
                check=False,
            )
        except OSError as error:
            return f"mypyc could not start: {error}", []
        if done.returncode != 0:
            output = (done.stdout + done.stderr).strip().splitlines()
            sys.stderr.write("\n".join(output[-40:]) + "\n")  # shown by `pip install -v`
            last = output[-1] if output else f"exit status {done.returncode}"
            if "command '" in last.lower():
                last = "the C compiler failed or is missing"
            return f"compiling failed: {last}", []
        built = []
        for made in sorted(Path(work, "lib").rglob("*" + _suffix())):
            target = root / made.relative_to(Path(work, "lib"))
            shutil.copyfile(made, target)
            built.append(target)
    return "", built


def _module(source: str) -> str:
    """The module a source compiles to: `hotjar_cli/core/mapping.py` to `hotjar_cli.core.mapping`."""
    return source.removesuffix(".py").removesuffix(".c").replace("/", ".")


def _argument(root: Path, source: str) -> str:
    """A source as the compiling script takes it: a module in Python by its path, one in C with its name too."""
    path = str(root / source)
    return f"{path}={_module(source)}" if source.endswith(".c") else path


def _suffix() -> str:
    return str(sysconfig.get_config_var("EXT_SUFFIX"))


def _remove_compiled(root: Path) -> None:
    """Compiled modules of an earlier install, for any Python, and the manifest that vouched for them."""
    for path in (root / "hotjar_cli").rglob("*.so"):
        path.unlink()
    for path in (root / "hotjar_cli").rglob("*.pyd"):
        path.unlink()
    (root / MANIFEST).unlink(missing_ok=True)


def _write_manifest(root: Path, state: str, sources: list[str]) -> None:
    """The state, with the modules compiled, then every source of the core (Python, C and its header) with its size
    and CRC.

    Every source, not only the compiled ones: mypyc compiled them against the types of the modules they import.
    """
    lines = [" ".join([state, *map(_module, sources)])]
    core = root / "hotjar_cli" / "core"
    for path in sorted([*core.rglob("*.py"), *core.rglob("*.c"), *core.rglob("*.h")]):
        data = path.read_bytes()
        lines.append(f"{path.relative_to(root).as_posix()} {len(data)} {zlib.crc32(data)}")
    (root / MANIFEST).write_text("\n".join(lines) + "\n", encoding="utf-8")

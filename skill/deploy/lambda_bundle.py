"""`python -m skill package`: the AWS Lambda bundle, build/lambda.zip.

The bundle holds what the Lambda entry point needs and nothing else:

- `lambda_function.py` and the folders whose code runs there, whole: `skill/runtime/`
  (the skill, its screens' APL documents included) and `skill/content/` (its words),
  with `skill/__init__.py`. The layout is the contract: what the runtime may import is
  checked by the layers contract in pyproject.toml (tests/test_layers.py), so nothing
  has to be found by following imports here.
- the library's manifest, `audio/manifest.json`, which the runtime reads.
- the packages of requirements.txt, as wheels for the Lambda Python runtime
  (`LAMBDA_WHEELS`), except boto3 and the packages that come with it
  (`PROVIDED_BY_LAMBDA`): AWS's Python runtimes include them, and they are
  most of the size (boto3 is needed only with PERSISTENCE=dynamodb).
  Dependencies are resolved first and installed without their own
  dependencies, so nothing pulls boto3 back in.

The zip is reproducible: entries sorted, one fixed timestamp, mode 644 (Lambda
needs world-readable files), no __pycache__. The unzipped tree is kept in
build/lambda/, which ask-resources.json hands to `ask deploy`.
"""

import json
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import NamedTuple

REPO = Path(__file__).resolve().parents[2]
BUILD_DIR = REPO / "build"
REQUIREMENTS = REPO / "requirements.txt"
ENTRY_POINT = "lambda_function.py"
SHIPPED_FOLDERS = ("skill/runtime", "skill/content")
MANIFEST = "audio/manifest.json"

LAMBDA_WHEELS = ("--platform", "manylinux2014_x86_64", "--implementation", "cp",
                 "--python-version", "3.12", "--only-binary=:all:")
PROVIDED_BY_LAMBDA = frozenset({"boto3", "botocore", "s3transfer", "jmespath"})

ZIP_TIME = (1980, 1, 1, 0, 0, 0)
ZIP_FILE_MODE = 0o100644
SIZE_GOAL = 5 * 1024 * 1024


class BuildError(RuntimeError):
    """The bundle could not be built."""


class Bundle(NamedTuple):
    zip_path: Path
    folder: Path
    size: int      # bytes, zipped
    files: int     # entries in the zip


# ---------------------------------------------------------------------------
# What of this repository ships
# ---------------------------------------------------------------------------

def runtime_files(root=REPO):
    """Repository files of the bundle, as paths relative to `root`."""
    files = {Path(ENTRY_POINT), Path("skill/__init__.py"), Path(MANIFEST)}
    for folder in SHIPPED_FOLDERS:
        files.update(path.relative_to(root) for path in (root / folder).rglob("*")
                     if path.is_file() and _shipped(path))
    missing = [str(path) for path in sorted(files) if not (root / path).is_file()]
    if missing:
        raise BuildError(f"missing from the repository: {', '.join(missing)}")
    return sorted(files)


# ---------------------------------------------------------------------------
# Dependencies
# ---------------------------------------------------------------------------

def _pip(*args):
    command = [sys.executable, "-m", "pip", *args, "--disable-pip-version-check"]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode:
        raise BuildError(f"{' '.join(command)} failed:\n{result.stdout}{result.stderr}")


def _normalised(name):
    return name.lower().replace("_", "-").replace(".", "-")


def resolve(requirements, wheels):
    """The pinned distributions `requirements` needs, less those Lambda provides."""
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "report.json"
        _pip("install", "--dry-run", "--quiet", "--report", str(report),
             "--target", str(Path(scratch) / "target"), *wheels, "-r", str(requirements))
        installs = json.loads(report.read_text(encoding="utf-8"))["install"]
    pins = {_normalised(item["metadata"]["name"]): item["metadata"]["version"]
            for item in installs}
    return [f"{name}=={version}" for name, version in sorted(pins.items())
            if name not in PROVIDED_BY_LAMBDA]


def install(pins, target, wheels):
    """Install exactly `pins` into `target`, none of their dependencies."""
    with tempfile.TemporaryDirectory() as scratch:
        pinned = Path(scratch) / "requirements.txt"
        pinned.write_text("".join(pin + "\n" for pin in pins), encoding="utf-8")
        _pip("install", "--quiet", "--no-deps", "--no-compile", "--target", str(target),
             *wheels, "-r", str(pinned))
    shutil.rmtree(target / "bin", ignore_errors=True)  # console scripts: no use on Lambda


def install_dependencies(target, requirements=REQUIREMENTS):
    """Wheels for the Lambda runtime; failing that, wheels for this interpreter."""
    try:
        pins = resolve(requirements, LAMBDA_WHEELS)
        install(pins, target, LAMBDA_WHEELS)
    except BuildError as error:
        print(f"warning: no wheels for the Lambda runtime ({error}); "
              "installing those of this interpreter instead", file=sys.stderr)
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        pins = resolve(requirements, ())
        install(pins, target, ())
    return pins


# ---------------------------------------------------------------------------
# The folder and the zip
# ---------------------------------------------------------------------------

def _shipped(path):
    return "__pycache__" not in path.parts and path.suffix != ".pyc"


def stage(folder, root=REPO, requirements=REQUIREMENTS):
    """Fill `folder` (emptied first) with the dependencies and the runtime files."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    install_dependencies(folder, requirements)
    for relative in runtime_files(root):
        destination = folder / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(root / relative, destination)


def write_zip(folder, zip_path):
    """Zip `folder` reproducibly; return the number of entries."""
    names = sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*")
                   if path.is_file() and _shipped(path))
    zip_path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # unix, so the mode below is read
            info.external_attr = ZIP_FILE_MODE << 16
            archive.writestr(info, (folder / name).read_bytes())
    return len(names)


def build(out_dir=BUILD_DIR, root=REPO, requirements=REQUIREMENTS):
    """Stage `out_dir`/lambda/ and write `out_dir`/lambda.zip from it."""
    out_dir = Path(out_dir)
    folder, zip_path = out_dir / "lambda", out_dir / "lambda.zip"
    stage(folder, root, requirements)
    files = write_zip(folder, zip_path)
    return Bundle(zip_path, folder, zip_path.stat().st_size, files)


def describe(bundle):
    verdict = "within" if bundle.size < SIZE_GOAL else "OVER"
    return (f"wrote {bundle.zip_path}: {bundle.size / 1024 / 1024:.2f} MB zipped, "
            f"{bundle.files} files ({verdict} the {SIZE_GOAL // 1024 // 1024} MB goal)")

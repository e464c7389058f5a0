"""The engine is a library: importing it pulls in no web framework and no database layer."""

import json
import subprocess
import sys

FORBIDDEN = ("fastapi", "starlette", "sqlalchemy", "sqlmodel")

# Imports every module under service/engine in a fresh interpreter, then lists what got loaded.
_PROBE = f"""
import importlib, json, pkgutil, sys, service.engine
for module in pkgutil.walk_packages(service.engine.__path__, "service.engine."):
    importlib.import_module(module.name)
print(json.dumps({{
    "engine": sorted(m for m in sys.modules if m.startswith("service.engine.")),
    "forbidden": sorted(m for m in sys.modules if m.split(".")[0] in {FORBIDDEN!r}),
}}))
"""


def test_no_engine_module_imports_a_web_or_database_framework():
    out = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True, check=True)
    loaded = json.loads(out.stdout)
    assert "service.engine.engine" in loaded["engine"]
    assert "service.engine.matcher" in loaded["engine"]
    assert loaded["forbidden"] == []

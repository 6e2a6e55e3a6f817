# Two entry points (README): `make demo` runs the main job, `make test` runs the checks.
# Each creates .venv/ when missing. torch is installed first as the CPU build 2.13.0.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test test-slow lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q "torch==2.13.0"
	$(BIN)/python -m pip install -q -e ".[dev,mediapipe,onnx,datasets,viewer]"
	$(BIN)/abspose setup-2d
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/abspose video src/abspose/assets/media/sports2d_clip.mp4 --out demo_out/people.json \
		--overlay demo_out/overlay.mp4 --map demo_out/map.png --html demo_out/scene.html --smooth 0.6

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

test: lint
	$(BIN)/python -m pytest

test-slow: $(STAMP)
	HYPOTHESIS_PROFILE=slow $(BIN)/python -m pytest -m slow; rc=$$?; [ $$rc -eq 5 ] && rc=0; exit $$rc

clean:
	rm -rf $(VENV) demo_out

# dare-forge: `make demo` runs the pipeline on the bundled catalog; `make test` runs the tests.
# Both install what they need first (scripts/setup.sh), so they work on a fresh clone.
SHELL := /bin/bash
CLI := node bin/dare-forge.js

.PHONY: setup demo test lint format schema bench bench-profile bench-draft bench-verify bench-build bench-scale bench-startup bench-eval corpus clean

setup:
	@bash scripts/setup.sh

demo: setup
	$(CLI) run --config configs/default.yaml
	$(CLI) audit --config configs/default.yaml --html reports/audit.html
	$(CLI) eval --config configs/default.yaml --release splits/0.1.0/eval --model scripted:reference --repeats 1

test: setup
	bash scripts/test.sh

lint: setup
	npx biome check .
	npx tsc --noEmit

format: setup
	npx biome check --write .

# Regenerates configs/schema.json from the zod schemas (a test keeps them in step).
schema: setup
	$(CLI) config --schema > configs/schema.json

bench: bench-profile bench-draft bench-verify bench-build

bench-profile: setup
	npx tsx bench/profile/run.ts

bench-draft: setup
	npx tsx bench/draft/run.ts

bench-verify: setup
	npx tsx bench/verify/run.ts

# A generated ~1 GB CSV through build: peak RSS against the in-heap build on a 10x smaller slice.
bench-build: setup
	npx tsx bench/build/run.ts

bench-scale: setup
	npx tsx bench/scale/run.ts

# --help, --version, config and a no-op verify on the demo output, against `node -e ''`.
bench-startup: setup
	npx tsx bench/startup/run.ts

# The scripted reference agent over the fixture eval tasks: tasks per minute, sandbox vs bare python3 per tool call.
bench-eval: setup
	npx tsx bench/eval/run.ts

# The full corpus from the live Kaggle API (credentials and an LLM key needed); see configs/kaggle.yaml.
corpus: setup
	$(CLI) run --config configs/kaggle.yaml
	$(CLI) audit --config configs/kaggle.yaml --html reports/corpus-audit.html

clean:
	rm -rf raw/* processed/* splits/* .work reports

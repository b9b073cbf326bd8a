# Thin entry points; the logic lives in the scripts so it can be run and read on its own.
CONFIGURATION ?= Release
export CONFIGURATION

.PHONY: build functions-app up down test demo

build:
	dotnet build NginxPulse.sln -c $(CONFIGURATION)

# The Functions script root for `func start --script-root .local/functions-app` and the container images.
functions-app:
	infra/functions/assemble

up:
	infra/local/up

down:
	infra/local/down

# Installs what it needs, starts and stops the local services, ends with "Tests: N passed, M failed".
test:
	infra/ci/run-tests

# The whole pipeline locally: services, the function app standalone, a real log replayed through Kafka.
demo:
	infra/local/demo

# Deployment to AWS (README.md, section Deploy). Included by the Makefile, which defines PY, deps and site.
#
#   make package STAGE=prod                       build/package/prod/: template + Lambda zip (offline)
#   make deploy  STAGE=prod [PARAMS="K=V ..."] [YES=1]   package, create/update the stack, publish the site
#                                                 (YES=1: replace resources without asking, for CI)
#   make publish STAGE=prod                       build and upload the site only, then invalidate CloudFront
#   make officers STAGE=prod FILE=officers.yml    check and store the officer directory (SSM SecureString)
#   make rollback STAGE=prod [TO=N] [YES=1]       redeploy a recorded deployment (default: the one before
#                                                 what runs now); LIST=1 lists them with dates and commits
#
# AWS credentials and region come from the usual places (AWS_PROFILE, AWS_REGION, ~/.aws); only
# `package` works without them.

STAGE ?= prod
PARAMS ?=
YES ?=
TO ?=
LIST ?=
IGNORE_CSP ?=

.PHONY: package deploy publish officers rollback deploy-deps

# The AWS CRT (the `deploy` extra): publishing writes the site's paths to CloudFront KeyValueStore (SigV4A).
.venv/.deploy-installed: .venv/.installed constraints.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev,deploy]'
	touch $@
deploy-deps: .venv/.deploy-installed

package: deps
	$(PY) -m infra.package --stage $(STAGE)

deploy: package site deploy-deps
	$(PY) -m infra.deploy stack --stage $(STAGE) $(foreach p,$(PARAMS),--parameter $(p)) $(if $(YES),--yes)
	$(PY) -m infra.publish --stage $(STAGE)

publish: site deploy-deps
	$(PY) -m infra.publish --stage $(STAGE)

officers: deps
	@test -n "$(FILE)" || { echo "usage: make officers STAGE=$(STAGE) FILE=path/to/officers.yml"; exit 2; }
	$(PY) -m infra.deploy officers --stage $(STAGE) "$(FILE)"

# CloudFront's origin secret (infra/edge.py): new value accepted first, then sent, then the old one dropped.
.PHONY: rotate-origin-secret waf
rotate-origin-secret: deps
	$(PY) -m infra.edge rotate-origin-secret --stage $(STAGE)

# The optional WAF web ACL (us-east-1 stack layanan-<stage>-waf): RATE=requests per IP per 5 min; OFF=1 removes it.
RATE ?= 300
waf: deps
	$(PY) -m infra.edge waf --stage $(STAGE) --rate-limit $(RATE) $(if $(OFF),--off)

rollback: deps
	$(PY) -m infra.deploy rollback --stage $(STAGE) $(if $(TO),--to $(TO)) $(if $(LIST),--list) \
		$(if $(YES),--yes) $(if $(IGNORE_CSP),--ignore-csp)

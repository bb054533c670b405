"""gunicorn's settings in production: the image runs
`gunicorn -c python:branch_ops.gunicorn_conf branch_ops.wsgi`."""

import os
import shutil

bind = "0.0.0.0:8000"
workers = 3
timeout = 60
accesslog = "-"
# The path, never the query string or the referrer, where a search by identity number or
# phone would put it (PIPL Art. 51); the request id last, to find the page's own log lines.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms %({x-request-id}o)s'

# The workers add their metrics up in one folder (prometheus_client's multiprocess mode),
# set before they fork and emptied at every start so a dead worker's figures do not linger.
metrics_dir = os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", "/tmp/prometheus")
shutil.rmtree(metrics_dir, ignore_errors=True)
os.makedirs(metrics_dir, exist_ok=True)

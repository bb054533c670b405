# Production image: web (gunicorn), Celery worker and Celery beat all run this one image
# (docker-compose.yml). Settings come from the environment; nothing secret is baked in.
FROM python:3.11-slim

# The code runs from /app (PYTHONPATH), where templates/ and locale/ sit beside it; the
# install below brings the dependencies.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=branch_ops.settings.production \
    PYTHONPATH=/app

WORKDIR /app
COPY . .
# psycopg2-binary, reportlab and the CJK font package ship wheels: no compiler needed.
RUN pip install . \
    && useradd --system --uid 10001 --home-dir /app --no-create-home app \
    && mkdir -p /app/var/media /app/var/staticfiles

# collectstatic only reads settings; these values exist for the build and are never served.
RUN DJANGO_SECRET_KEY="collectstatic-only-$(python -c 'import secrets; print(secrets.token_urlsafe(48))')" \
    DJANGO_ALLOWED_HOSTS=build.invalid \
    DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    python manage.py collectstatic --no-input \
    && chown -R app:app /app/var

USER app
EXPOSE 8000
# The access log names the path, never the query string or the referrer, where a search by
# identity number or phone would put it (PIPL Art. 51), and ends with the request id.
CMD ["gunicorn", "branch_ops.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", \
     "--access-logfile", "-", "--timeout", "60", \
     "--access-logformat", "%(h)s %(t)s \"%(m)s %(U)s\" %(s)s %(b)s %(M)sms %({x-request-id}o)s"]

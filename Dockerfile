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
CMD ["gunicorn", "-c", "python:branch_ops.gunicorn_conf", "branch_ops.wsgi"]

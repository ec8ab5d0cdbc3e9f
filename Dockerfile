FROM python:3.11-slim

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=newsroom.settings.production \
    NEWSROOM_VAR_DIR=/app/var \
    STATIC_ROOT=/app/static-collected \
    MEDIA_ROOT=/app/media

RUN apt-get update \
    && apt-get install -y --no-install-recommends libjpeg62-turbo libwebp7 libpq5 \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 1000 newsroom

WORKDIR /app
COPY requirements.lock ./
RUN pip install -r requirements.lock

COPY --chown=newsroom:newsroom . .
# collectstatic needs settings to load; this key is thrown away with the layer.
RUN SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput \
    && mkdir -p /app/media /app/var \
    && chown -R newsroom:newsroom /app/media /app/var /app/static-collected

USER newsroom
EXPOSE 8000
CMD ["gunicorn", "newsroom.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "2", "--access-logfile", "-"]

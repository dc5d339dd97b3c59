FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app

COPY pyproject.toml README.md ./
RUN pip install --no-cache-dir .

COPY . .
# collectstatic runs with production settings; the build-time key is thrown away.
RUN DEBUG=false SECRET_KEY=build-only-key-not-used-at-run-time-0123456789abcdefghij \
    ALLOWED_HOSTS=build SITE_URL=https://build EMAIL_URL=smtp://build \
    python manage.py collectstatic --no-input

RUN useradd --system --home /app portal
# The bulk extracts' volume (docker-compose.yml) takes this directory's owner.
RUN mkdir -p /srv/extracts && chown portal /srv/extracts
USER portal
EXPOSE 8000
CMD ["gunicorn", "portal.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3"]

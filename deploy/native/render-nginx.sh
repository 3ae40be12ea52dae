#!/usr/bin/env bash
# Renders deploy/nginx/gapal.conf.template like the nginx Docker image does (envsubst of the
# GAPAL_* placeholders only; nginx's own $variables stay as they are).
#   GAPAL_SERVER_NAME=gapal.example.com GAPAL_TLS_CERT=… GAPAL_TLS_KEY=… \
#     deploy/native/render-nginx.sh > /etc/nginx/sites-available/gapal
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
: "${GAPAL_SERVER_NAME:=_}"
: "${GAPAL_HTTP_PORT:=80}"
: "${GAPAL_HTTPS_PORT:=443}"
: "${GAPAL_TLS_CERT:=/etc/gapal/tls/fullchain.pem}"
: "${GAPAL_TLS_KEY:=/etc/gapal/tls/privkey.pem}"
export GAPAL_SERVER_NAME GAPAL_HTTP_PORT GAPAL_HTTPS_PORT GAPAL_TLS_CERT GAPAL_TLS_KEY
envsubst '${GAPAL_SERVER_NAME} ${GAPAL_HTTP_PORT} ${GAPAL_HTTPS_PORT} ${GAPAL_TLS_CERT} ${GAPAL_TLS_KEY}' \
  < "$here/../nginx/gapal.conf.template"

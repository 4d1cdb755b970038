"""The web service: the skill endpoint (verified), the listening page, the audio files
with their podcast feed and playlist, a health check."""

import logging
import os

from flask import Flask, Response, abort, jsonify, render_template, request, send_from_directory
from werkzeug.exceptions import HTTPException

from ..catalog import local_base_url, readable_library
from ..runtime import BadRequest, Runtime
from . import page
from .verify import VerificationError, Verifier

log = logging.getLogger(__name__)

# Largest request body accepted; Alexa's requests are a few kilobytes.
MAX_BODY_BYTES = 256 * 1024


def create_app(runtime=None, verify=True, skill_id=None, verifier=None, **config):
    """The Flask app. `verify=False` is for local simulators only.

    The config keys mirror flask-ask-sdk's and are read once, here:
    ASK_SDK_VERIFY_SIGNATURE (certificate URL, chain and body signature) and
    ASK_SDK_VERIFY_TIMESTAMP; pass either as a keyword to override `verify`.
    """
    app = Flask(__name__)
    app.config.update(
        ASK_SDK_VERIFY_SIGNATURE=verify,
        ASK_SDK_VERIFY_TIMESTAMP=verify,
        MAX_CONTENT_LENGTH=MAX_BODY_BYTES,
    )
    app.config.update(config)
    if not (app.config["ASK_SDK_VERIFY_SIGNATURE"] and app.config["ASK_SDK_VERIFY_TIMESTAMP"]):
        log.warning("request verification is OFF: use this only with local test tools")
    runtime = runtime or Runtime()
    skill_id = skill_id if skill_id is not None else os.environ.get("SKILL_ID") or None

    verifier = verifier or Verifier()
    verifier.skill_id = skill_id
    verifier.verify_signature = app.config["ASK_SDK_VERIFY_SIGNATURE"]
    verifier.verify_timestamp = app.config["ASK_SDK_VERIFY_TIMESTAMP"]

    def reject(reason):
        # One line, no traceback, no body: the request may hold a person's answers.
        log.warning("request rejected: %s", reason)
        abort(400, description=reason)

    @app.post("/")
    def skill_endpoint():
        body = request.get_data(cache=False)
        try:
            event = verifier.verify(request.headers, body)
        except VerificationError as error:
            reject(f"request verification failed: {error}")
        # Without AUDIO_BASE_URL, audio is served from here (see /audio below).
        token = local_base_url.set(request.url_root + "audio/")
        try:
            return jsonify(runtime.handle(event))
        except BadRequest as error:
            reject(str(error))
        finally:
            local_base_url.reset(token)

    @app.get("/")
    def listening_page():
        # The library for anyone without a smart speaker; POST / stays the skill.
        return render_template("listen.html", feed_url=request.url_root + "feed.xml",
                               **page.library(readable_library()))

    @app.get("/feed.xml")
    def podcast_feed():
        return Response(page.feed(readable_library(), request.url_root + "audio/"),
                        mimetype="application/rss+xml")

    @app.get("/playlist.m3u")
    def playlist():
        return Response(page.playlist(readable_library(), request.url_root + "audio/"),
                        mimetype="audio/x-mpegurl")

    @app.get("/audio/<path:name>")
    def audio_file(name):
        # send_from_directory refuses paths outside the folder and answers
        # range requests, so players can seek.
        return send_from_directory(readable_library(), name, conditional=True, max_age=3600)

    @app.errorhandler(HTTPException)
    def plain_error(error):
        # JSON errors: the callers are programs, and the reason should be readable.
        return jsonify(error=error.name, reason=error.description), error.code

    @app.get("/health")
    def health():
        return {"status": "ok"}

    return app

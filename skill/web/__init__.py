"""The web service: the skill endpoint (verified), the listening page, the audio files
with their podcast feed and playlist, a health check."""

import logging

from flask import Flask, Response, abort, jsonify, render_template, request, send_from_directory
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from skill.runtime import library
from skill.runtime.dispatch import BadRequest, Runtime
from skill.web import page
from skill.web.verify import VerificationError, Verifier

log = logging.getLogger(__name__)

# Largest request body accepted; Alexa's requests are a few kilobytes.
MAX_BODY_BYTES = 256 * 1024


def create_app(settings, runtime=None, verifier=None, verify=True, **config):
    """The Flask app for `settings`. `verify=False` is for local simulators only.

    The config keys mirror flask-ask-sdk's: ASK_SDK_VERIFY_SIGNATURE (certificate URL,
    chain and body signature) and ASK_SDK_VERIFY_TIMESTAMP; pass either as a keyword to
    override `verify`. A `verifier` handed in is used as it is (tests and benchmarks
    bring one that trusts their own certificate authority).
    """
    app = Flask(__name__)
    app.config.update(
        ASK_SDK_VERIFY_SIGNATURE=verify,
        ASK_SDK_VERIFY_TIMESTAMP=verify,
        MAX_CONTENT_LENGTH=MAX_BODY_BYTES,
    )
    app.config.update(config)
    if settings.trust_forwarded_proto:
        # Behind a TLS proxy that says so, addresses given out (feed, audio) are https.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=0, x_proto=1, x_host=0)
    runtime = runtime or Runtime(settings)
    if verifier is None:
        verifier = Verifier(skill_id=settings.skill_id,
                            verify_signature=app.config["ASK_SDK_VERIFY_SIGNATURE"],
                            verify_timestamp=app.config["ASK_SDK_VERIFY_TIMESTAMP"])
    if not (verifier.verify_signature and verifier.verify_timestamp):
        log.warning("request verification is OFF: use this only with local test tools")
    app.extensions["alexa_request_verifier"] = verifier

    def audio_dir():
        return library.readable(settings.audio_dir)

    def audio_base():
        """Where audio is served from: the public address if set, else this service."""
        return settings.audio_base_url or request.url_root + "audio/"

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
        try:
            return jsonify(runtime.handle(event, audio_base_url=audio_base()))
        except BadRequest as error:
            reject(str(error))

    @app.get("/")
    def listening_page():
        # The library for anyone without a smart speaker; POST / stays the skill.
        return render_template("listen.html", feed_url=request.url_root + "feed.xml",
                               **page.library(audio_dir()))

    @app.get("/feed.xml")
    def podcast_feed():
        return Response(page.feed(audio_dir(), audio_base()),
                        mimetype="application/rss+xml")

    @app.get("/playlist.m3u")
    def playlist():
        return Response(page.playlist(audio_dir(), audio_base()),
                        mimetype="audio/x-mpegurl")

    @app.get("/audio/<path:name>")
    def audio_file(name):
        # send_from_directory refuses paths outside the folder and answers
        # range requests, so players can seek.
        return send_from_directory(audio_dir(), name, conditional=True, max_age=3600)

    @app.errorhandler(HTTPException)
    def plain_error(error):
        # JSON errors: the callers are programs, and the reason should be readable.
        return jsonify(error=error.name, reason=error.description), error.code

    @app.get("/health")
    def health():
        return {"status": "ok"}

    return app

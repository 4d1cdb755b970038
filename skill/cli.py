"""`python -m skill <command>`: serve, chat, speaker, render, models, publish-audio,
package, skill-package."""

import argparse
import logging
import sys


def serve(args, settings):
    # Production serving (gunicorn, access log, graceful stop) lives in skill/web/serving.py.
    from skill.web import serving

    if args.dev:
        return serving.run_dev(settings, args.host, args.port, verify=not args.no_verify)
    return serving.run(settings, args.host, args.port, workers=args.workers,
                       threads=args.threads, verify=not args.no_verify)


def chat(args, settings):
    from skill.local.chat import main

    return main(settings, new_user=args.new_user)


def speaker(args, settings):
    from skill.local.speaker import main

    return main(settings, inputs=args.input, output_dir=args.output_dir,
                new_user=args.new_user)


def render(args, settings):
    from skill.studio.render import render as render_library

    report = render_library(engine=args.engine, force=args.force, only=args.only or None,
                            base_url=args.base_url or settings.audio_base_url, jobs=args.jobs,
                            out_dir=settings.audio_dir)
    print(f"rendered {len(report.rendered)} track(s), kept {len(report.reused)} unchanged; "
          f"{report.lines_synthesised} line(s) synthesised with {report.engine['engine']} "
          f"in {report.wall_seconds:.1f} s")
    return 0


def models(args, settings):
    from skill.language.model import MODEL_DIR, write_models

    for path in write_models(args.out or MODEL_DIR):
        print(f"wrote {path}")
    return 0


def publish_audio(args, settings):
    from skill.deploy.publish import PublishError, publish

    try:
        report = publish(args.bucket, prefix=args.prefix, delete=args.delete,
                         dry_run=args.dry_run)
    except PublishError as error:
        print(f"publish-audio: {error}", file=sys.stderr)
        return 1
    print(report.summary())
    return 0


def package(args, settings):
    from skill.deploy.lambda_bundle import BUILD_DIR, SIZE_GOAL, build, describe

    bundle = build(args.out or BUILD_DIR)
    print(describe(bundle))
    return 0 if bundle.size < SIZE_GOAL else 1


def skill_package(args, settings):
    from skill.deploy.skill_package import REPO, write_files

    for path in write_files(args.out or REPO, lambda_arn=args.lambda_arn):
        print(f"wrote {path}")
    return 0


def parser():
    top = argparse.ArgumentParser(prog="python -m skill", description="The gentle back guide.")
    commands = top.add_subparsers(dest="command", required=True)

    p = commands.add_parser("serve", help="serve the skill over HTTP")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=5000, help="0 picks a free port (logged)")
    p.add_argument("--workers", type=int, default=2,
                   help="gunicorn worker processes (default 2: the handlers are CPU-bound, "
                        "so about one per core; see skill/web/serving.py)")
    p.add_argument("--threads", type=int, default=4,
                   help="threads per worker process, for requests that wait (a certificate "
                        "download, a SQLite lock, DynamoDB) (default 4)")
    p.add_argument("--no-verify", action="store_true",
                   help="accept unsigned requests (local simulators only)")
    p.add_argument("--dev", action="store_true",
                   help="Flask's development server with the reloader instead of gunicorn")
    p.set_defaults(run=serve)

    new_user = argparse.ArgumentParser(add_help=False)
    new_user.add_argument("--new-user", action="store_true",
                          help="start afresh as a new visitor (the guide remembers you "
                               "from run to run otherwise)")

    p = commands.add_parser("chat", help="talk to the guide by typing", parents=[new_user])
    p.set_defaults(run=chat, log_level=logging.WARNING)  # keep the terminal for the dialog

    p = commands.add_parser("speaker", help="talk to the guide out loud (offline)",
                            parents=[new_user])
    p.add_argument("--input", nargs="+", metavar="FILE.wav",
                   help="WAV files in place of the microphone, one utterance each, in order")
    p.add_argument("--output-dir", default=None,
                   help="also write each reply as reply-001.wav, reply-002.wav ... here")
    p.set_defaults(run=speaker, log_level=logging.WARNING)

    p = commands.add_parser("render", help="(re)build the audio library in audio/")
    p.add_argument("--engine", choices=["auto", "hibari", "piper", "gtts", "espeak"],
                   default="auto")
    p.add_argument("--force", action="store_true", help="render every track again")
    p.add_argument("--only", action="append", metavar="ID", help="render only this track")
    p.add_argument("--base-url", default=None,
                   help="public base URL of audio/ for the feed (default: $AUDIO_BASE_URL)")
    p.add_argument("--jobs", type=int, default=None, help="worker processes (default: cores)")
    p.set_defaults(run=render)

    p = commands.add_parser("models", help="regenerate interaction_model/*.json")
    p.add_argument("--out", default=None, help="folder (default: interaction_model/)")
    p.set_defaults(run=models)

    p = commands.add_parser("publish-audio", help="upload audio/ to S3 (changed files only)")
    p.add_argument("--bucket", required=True, help="the bucket (AudioBucketName output)")
    p.add_argument("--prefix", default="",
                   help="key prefix (default: the bucket root, where AudioBaseUrl points)")
    p.add_argument("--delete", action="store_true",
                   help="remove objects under the prefix that are not in audio/")
    p.add_argument("--dry-run", action="store_true", help="show what would change, change nothing")
    p.set_defaults(run=publish_audio, log_level=logging.WARNING)  # no boto3 chatter

    p = commands.add_parser("package", help="build build/lambda.zip for AWS Lambda")
    p.add_argument("--out", default=None, help="folder (default: build/)")
    p.set_defaults(run=package)

    p = commands.add_parser("skill-package",
                            help="regenerate skill-package/ and ask-resources.json")
    p.add_argument("--out", default=None, help="folder (default: the repository)")
    p.add_argument("--lambda-arn", default=None,
                   help="deploy to this existing function (SAM's SkillFunctionArn output)")
    p.set_defaults(run=skill_package)
    return top


def main(argv=None, environ=None):
    from skill.runtime.settings import Settings

    args = parser().parse_args(argv)
    logging.basicConfig(level=getattr(args, "log_level", logging.INFO),
                        format="%(levelname)s %(name)s: %(message)s")
    try:
        settings = Settings.from_env(environ)
    except ValueError as error:
        print(f"python -m skill: {error}", file=sys.stderr)
        return 2
    return args.run(args, settings)


if __name__ == "__main__":
    sys.exit(main())

"""`python -m skill <command>`: serve, chat, render, models."""

import argparse
import logging
import sys


def serve(args):
    from .web import create_app

    app = create_app(verify=not args.no_verify)
    from waitress import serve as waitress_serve

    print(f"Serving the gentle back guide on http://{args.host}:{args.port}/ (POST / is the skill)")
    waitress_serve(app, host=args.host, port=args.port, threads=args.threads)
    return 0


def chat(args):
    from .chat import main

    return main()


def render(args):
    from .studio.render import render as render_library

    report = render_library(engine=args.engine, force=args.force, only=args.only or None,
                            base_url=args.base_url, jobs=args.jobs,
                            ambient_db=-38.0 if args.ambient else None)
    print(f"rendered {len(report.rendered)} track(s), kept {len(report.reused)} unchanged; "
          f"{report.lines_synthesised} line(s) synthesised with {report.engine['engine']} "
          f"in {report.wall_seconds:.1f} s")
    return 0


def models(args):
    from .model_source import MODEL_DIR, write_models

    for path in write_models(args.out or MODEL_DIR):
        print(f"wrote {path}")
    return 0


def parser():
    top = argparse.ArgumentParser(prog="python -m skill", description="The gentle back guide.")
    commands = top.add_subparsers(dest="command", required=True)

    p = commands.add_parser("serve", help="serve the skill over HTTP")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=5000)
    p.add_argument("--threads", type=int, default=8, help="worker threads (default 8)")
    p.add_argument("--no-verify", action="store_true",
                   help="accept unsigned requests (local simulators only)")
    p.set_defaults(run=serve)

    p = commands.add_parser("chat", help="talk to the guide by typing")
    p.set_defaults(run=chat, log_level=logging.WARNING)  # keep the terminal for the dialog

    p = commands.add_parser("render", help="(re)build the audio library in audio/")
    p.add_argument("--engine", choices=["auto", "piper", "gtts", "espeak"], default="auto")
    p.add_argument("--force", action="store_true", help="render every track again")
    p.add_argument("--only", action="append", metavar="ID", help="render only this track")
    p.add_argument("--base-url", default=None,
                   help="public base URL of audio/ for the feed (default: $AUDIO_BASE_URL)")
    p.add_argument("--jobs", type=int, default=None, help="worker processes (default: cores)")
    p.add_argument("--ambient", action="store_true", help="add a very quiet ambient bed")
    p.set_defaults(run=render)

    p = commands.add_parser("models", help="regenerate interaction_model/*.json")
    p.add_argument("--out", default=None, help="folder (default: interaction_model/)")
    p.set_defaults(run=models)
    return top


def main(argv=None):
    args = parser().parse_args(argv)
    logging.basicConfig(level=getattr(args, "log_level", logging.INFO),
                        format="%(levelname)s %(name)s: %(message)s")
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())

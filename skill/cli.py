"""`python -m skill <command>`: serve, chat, models (and more as they come)."""

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

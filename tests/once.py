"""Work that several test workers need, done once per run: the first worker to ask does
it and leaves the result beside the run's temporary folders; the others wait for it and
read it (pytest-xdist's documented way to share session-wide data between workers)."""

import pickle

from filelock import FileLock


def once_per_run(tmp_path_factory, worker_id, name, make):
    """`make()`, called by one worker of this run only."""
    if worker_id == "master":  # one process, no workers
        return make()
    shared = tmp_path_factory.getbasetemp().parent / f"{name}.pickle"
    with FileLock(f"{shared}.lock"):
        if shared.is_file():
            return pickle.loads(shared.read_bytes())
        result = make()
        shared.write_bytes(pickle.dumps(result))
        return result

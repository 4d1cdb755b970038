"""Upload the audio library (audio/) to the S3 bucket behind the CloudFront distribution.

    python -m skill publish-audio --bucket NAME [--prefix P] [--delete] [--dry-run]

Every file under audio/ (steps/ included) goes to s3://NAME/P/<path in audio/> with its
Content-Type and Cache-Control. A file is uploaded only when it is new or its content
changed: the SHA-256 of each upload is kept in the object's metadata ("sha256") and compared
on the next run. (The ETag is no help: for multipart uploads it is not the MD5 of the
content, and the upload tool switches to multipart for large files.) Nothing is removed
from the bucket unless --delete is given.

Build time only: boto3 and tqdm are imported when publishing, and the Lambda runtime never
imports this module.
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass, field
from pathlib import Path

from skill.runtime.library import sha256_of
from skill.runtime.settings import AUDIO_DIR

SHA256_KEY = "sha256"  # object metadata, sent as x-amz-meta-sha256

CONTENT_TYPES_BY_NAME = {
    "manifest.json": "application/json",
    "feed.xml": "application/rss+xml",
}
CONTENT_TYPES_BY_SUFFIX = {
    ".mp3": "audio/mpeg",
    ".vtt": "text/vtt",
    ".m3u": "audio/x-mpegurl",
    ".json": "application/json",
}

# The file names are stable: a re-rendered track keeps its URL (daily.mp3 stays daily.mp3),
# so nothing may be cached as "immutable" or for long, or listeners (and CloudFront, whose
# cache policy follows max-age) would keep the old recording. The audio is large and changes
# rarely, so a day; the manifest, feed, playlist and captions are small and change with every
# render, so five minutes. After re-rendering, an invalidation of the distribution makes the
# new audio visible at once instead of within a day.
AUDIO_CACHE_CONTROL = "public, max-age=86400"
TEXT_CACHE_CONTROL = "public, max-age=300"


class PublishError(Exception):
    """The library could not be published (no such folder, bucket, or credentials)."""


def content_type(path):
    name = Path(path).name
    if name in CONTENT_TYPES_BY_NAME:
        return CONTENT_TYPES_BY_NAME[name]
    suffix = Path(path).suffix.lower()
    if suffix in CONTENT_TYPES_BY_SUFFIX:
        return CONTENT_TYPES_BY_SUFFIX[suffix]
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


def cache_control(path):
    return AUDIO_CACHE_CONTROL if Path(path).suffix.lower() == ".mp3" else TEXT_CACHE_CONTROL


def normalise_prefix(prefix):
    """'' (the bucket root) or a prefix without leading or trailing slashes."""
    return "/".join(part for part in (prefix or "").split("/") if part)


def object_key(prefix, relative):
    return f"{prefix}/{relative}" if prefix else relative


@dataclass(frozen=True)
class LocalFile:
    path: Path
    key: str
    size: int
    sha256: str
    content_type: str
    cache_control: str

    def extra_args(self):
        return {"ContentType": self.content_type, "CacheControl": self.cache_control,
                "Metadata": {SHA256_KEY: self.sha256}}


@dataclass
class PublishReport:
    bucket: str
    prefix: str
    dry_run: bool = False
    uploaded: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    stray: list[str] = field(default_factory=list)  # not in audio/, kept (no --delete)
    bytes_uploaded: int = 0

    def summary(self):
        would = "would be " if self.dry_run else ""
        where = f"s3://{self.bucket}/{self.prefix + '/' if self.prefix else ''}"
        text = (f"{where}: {len(self.uploaded)} file(s) {would}uploaded "
                f"({_human(self.bytes_uploaded)}, {self.bytes_uploaded} bytes), "
                f"{len(self.unchanged)} unchanged, {len(self.deleted)} {would}deleted")
        if self.stray:
            text += f"; {len(self.stray)} object(s) not in audio/ kept (--delete removes them)"
        if self.dry_run:
            text = "dry run, nothing changed. " + text
        return text


def _human(size):
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KiB"
    return f"{size / (1024 * 1024):.1f} MiB"


def local_files(source, prefix=""):
    """The files to publish, sorted by key. Hidden files (.DS_Store, …) are left out."""
    source = Path(source)
    if not source.is_dir():
        raise PublishError(f"no such folder: {source}")
    files = []
    for path in sorted(source.rglob("*")):
        relative = path.relative_to(source)
        if not path.is_file() or any(part.startswith(".") for part in relative.parts):
            continue
        files.append(LocalFile(path=path, key=object_key(prefix, relative.as_posix()),
                               size=path.stat().st_size, sha256=sha256_of(path),
                               content_type=content_type(path),
                               cache_control=cache_control(path)))
    if not files:
        raise PublishError(f"nothing to publish in {source}")
    return files


def remote_objects(client, bucket, prefix):
    """{key: size} of the objects under the prefix (the whole bucket for '')."""
    listed = {}
    paginator = client.get_paginator("list_objects_v2")
    for page in paginator.paginate(Bucket=bucket, Prefix=f"{prefix}/" if prefix else ""):
        for item in page.get("Contents", []):
            listed[item["Key"]] = item["Size"]
    return listed


def is_current(client, bucket, local, remote_size):
    """True when the object has this content and these headers already."""
    if remote_size != local.size:
        return False
    head = client.head_object(Bucket=bucket, Key=local.key)
    return (head.get("Metadata", {}).get(SHA256_KEY) == local.sha256
            and head.get("ContentType") == local.content_type
            and head.get("CacheControl") == local.cache_control)


def publish(bucket, prefix="", source=None, delete=False, dry_run=False, client=None,
            progress=True):
    """Bring s3://bucket/prefix/ up to date with `source` (default audio/).

    Returns a PublishReport; raises PublishError when it cannot.
    """
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        return _publish(bucket, normalise_prefix(prefix), source or AUDIO_DIR, delete, dry_run,
                        client, progress)
    except ClientError as error:
        raise PublishError(f"s3://{bucket}: {error}") from error
    except BotoCoreError as error:
        raise PublishError(str(error)) from error


def _publish(bucket, prefix, source, delete, dry_run, client, progress):
    from tqdm import tqdm

    files = local_files(source, prefix)
    if client is None:
        import boto3

        client = boto3.client("s3")
    remote = remote_objects(client, bucket, prefix)
    report = PublishReport(bucket=bucket, prefix=prefix, dry_run=dry_run)

    with tqdm(total=sum(f.size for f in files), unit="B", unit_scale=True,
              unit_divisor=1024, desc="publishing", disable=None if progress else True,
              leave=False) as bar:
        for local in files:
            bar.set_postfix_str(local.key, refresh=False)
            if local.key in remote and is_current(client, bucket, local, remote[local.key]):
                report.unchanged.append(local.key)
                bar.update(local.size)
                continue
            if not dry_run:
                client.upload_file(str(local.path), bucket, local.key,
                                   ExtraArgs=local.extra_args(), Callback=bar.update)
            else:
                bar.update(local.size)
            report.uploaded.append(local.key)
            report.bytes_uploaded += local.size

    keys = {local.key for local in files}
    stray = sorted(key for key in remote if key not in keys)
    if not delete:
        report.stray = stray
        return report
    for start in range(0, len(stray), 1000):  # DeleteObjects takes up to 1000 keys
        batch = stray[start:start + 1000]
        if not dry_run:
            answer = client.delete_objects(Bucket=bucket, Delete={
                "Objects": [{"Key": key} for key in batch], "Quiet": True})
            if answer.get("Errors"):
                failed = ", ".join(f"{e['Key']} ({e['Code']})" for e in answer["Errors"])
                raise PublishError(f"could not delete: {failed}")
        report.deleted.extend(batch)
    return report

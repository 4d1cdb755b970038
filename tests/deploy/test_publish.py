"""`python -m skill publish-audio`: audio/ to S3, changed files only, against moto's S3."""

import hashlib

import boto3
import pytest
from aws_fixtures import aws_env  # noqa: F401 - a fixture
from moto import mock_aws

from skill import cli
from skill.deploy.publish import (
    AUDIO_CACHE_CONTROL,
    TEXT_CACHE_CONTROL,
    PublishError,
    content_type,
    local_files,
    normalise_prefix,
    publish,
)

BUCKET = "gentle-back-guide-audio"

LIBRARY = {
    "daily.mp3": b"ID3 daily routine",
    "daily.vtt": b"WEBVTT\n\n00:00.000 --> 00:01.000\nHello\n",
    "manifest.json": b'{"tracks": []}\n',
    "feed.xml": b"<?xml version='1.0'?><rss version='2.0'/>\n",
    "playlist.m3u": b"#EXTM3U\n",
    "steps/daily-01.mp3": b"ID3 step one",
    "steps/daily-02.mp3": b"ID3 step two",
}

EXPECTED_TYPES = {
    "daily.mp3": ("audio/mpeg", AUDIO_CACHE_CONTROL),
    "daily.vtt": ("text/vtt", TEXT_CACHE_CONTROL),
    "manifest.json": ("application/json", TEXT_CACHE_CONTROL),
    "feed.xml": ("application/rss+xml", TEXT_CACHE_CONTROL),
    "playlist.m3u": ("audio/x-mpegurl", TEXT_CACHE_CONTROL),
    "steps/daily-01.mp3": ("audio/mpeg", AUDIO_CACHE_CONTROL),
    "steps/daily-02.mp3": ("audio/mpeg", AUDIO_CACHE_CONTROL),
}


@pytest.fixture
def audio(tmp_path):
    """A tiny audio library shaped like audio/."""
    root = tmp_path / "audio"
    for name, body in LIBRARY.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(body)
    return root


@pytest.fixture(scope="module")
def s3_service():
    """moto's S3 and one client for the module: a client takes a few hundred ms to make."""
    with mock_aws():
        yield boto3.client("s3", region_name="us-east-1", aws_access_key_id="testing",
                           aws_secret_access_key="testing")


@pytest.fixture
def s3(aws_env, s3_service):
    """An empty bucket for each test."""
    s3_service.create_bucket(Bucket=BUCKET)
    yield s3_service
    for key in keys(s3_service):
        s3_service.delete_object(Bucket=BUCKET, Key=key)
    s3_service.delete_bucket(Bucket=BUCKET)


def run(s3, audio, **options):
    return publish(BUCKET, source=audio, progress=False, client=s3, **options)


def keys(s3, prefix=""):
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix)
    return sorted(item["Key"] for page in pages for item in page.get("Contents", []))


def test_first_publish_uploads_everything_with_its_headers(s3, audio):
    report = run(s3, audio)
    assert sorted(report.uploaded) == sorted(LIBRARY)
    assert report.unchanged == report.deleted == []
    assert report.bytes_uploaded == sum(len(body) for body in LIBRARY.values())
    assert keys(s3) == sorted(LIBRARY)
    for name, (kind, cache) in EXPECTED_TYPES.items():
        head = s3.head_object(Bucket=BUCKET, Key=name)
        assert head["ContentType"] == kind, name
        assert head["CacheControl"] == cache, name
        assert head["Metadata"] == {"sha256": hashlib.sha256(LIBRARY[name]).hexdigest()}
        body = s3.get_object(Bucket=BUCKET, Key=name)["Body"].read()
        assert body == LIBRARY[name]


def test_second_publish_uploads_nothing(s3, audio):
    run(s3, audio)
    report = run(s3, audio)
    assert report.uploaded == []
    assert sorted(report.unchanged) == sorted(LIBRARY)
    assert report.bytes_uploaded == 0


def test_a_changed_file_alone_is_uploaded_again(s3, audio):
    run(s3, audio)
    (audio / "steps/daily-02.mp3").write_bytes(b"ID3 step two, read again")
    report = run(s3, audio)
    assert report.uploaded == ["steps/daily-02.mp3"]
    assert len(report.unchanged) == len(LIBRARY) - 1
    assert s3.get_object(Bucket=BUCKET, Key="steps/daily-02.mp3")["Body"].read() == \
        b"ID3 step two, read again"


def test_same_size_different_content_is_noticed(s3, audio):
    run(s3, audio)
    (audio / "daily.mp3").write_bytes(b"ID3 DAILY ROUTINE")  # same length
    assert run(s3, audio).uploaded == ["daily.mp3"]


def test_changed_headers_are_sent_again(s3, audio):
    run(s3, audio)
    s3.copy_object(Bucket=BUCKET, Key="feed.xml", CopySource={"Bucket": BUCKET, "Key": "feed.xml"},
                   MetadataDirective="REPLACE", ContentType="text/xml",
                   Metadata={"sha256": hashlib.sha256(LIBRARY["feed.xml"]).hexdigest()})
    assert run(s3, audio).uploaded == ["feed.xml"]
    assert s3.head_object(Bucket=BUCKET, Key="feed.xml")["ContentType"] == "application/rss+xml"


def test_a_multipart_upload_is_recognised_as_unchanged(s3, audio):
    """Large files go up in parts; their ETag is no MD5, the sha256 metadata still holds."""
    big = bytes(range(256)) * (9 * 4096)  # 9 MiB, above the 8 MiB multipart threshold
    (audio / "full.mp3").write_bytes(big)
    assert "full.mp3" in run(s3, audio).uploaded
    head = s3.head_object(Bucket=BUCKET, Key="full.mp3")
    assert "-" in head["ETag"]  # a multipart ETag
    assert head["Metadata"]["sha256"] == hashlib.sha256(big).hexdigest()
    assert head["ContentType"] == "audio/mpeg"
    assert run(s3, audio).uploaded == []


def test_stray_objects_stay_without_delete(s3, audio):
    run(s3, audio)
    s3.put_object(Bucket=BUCKET, Key="old-routine.mp3", Body=b"ID3 gone")
    (audio / "playlist.m3u").unlink()
    report = run(s3, audio)
    assert report.deleted == []
    assert report.stray == ["old-routine.mp3", "playlist.m3u"]
    assert "old-routine.mp3" in keys(s3) and "playlist.m3u" in keys(s3)
    assert "--delete" in report.summary()


def test_delete_removes_what_is_not_in_audio(s3, audio):
    run(s3, audio)
    s3.put_object(Bucket=BUCKET, Key="old-routine.mp3", Body=b"ID3 gone")
    s3.put_object(Bucket=BUCKET, Key="steps/old-01.mp3", Body=b"ID3 gone")
    report = run(s3, audio, delete=True)
    assert report.deleted == ["old-routine.mp3", "steps/old-01.mp3"]
    assert keys(s3) == sorted(LIBRARY)


def test_delete_stays_under_the_prefix(s3, audio):
    s3.put_object(Bucket=BUCKET, Key="other/keep.txt", Body=b"not ours")
    s3.put_object(Bucket=BUCKET, Key="audio-old/keep.mp3", Body=b"not ours either")
    s3.put_object(Bucket=BUCKET, Key="audio/stale.mp3", Body=b"ours, stale")
    report = run(s3, audio, prefix="audio", delete=True)
    assert report.deleted == ["audio/stale.mp3"]
    assert keys(s3, "audio/") == sorted(f"audio/{name}" for name in LIBRARY)
    assert "other/keep.txt" in keys(s3) and "audio-old/keep.mp3" in keys(s3)


@pytest.mark.parametrize("prefix", ["v1", "/v1/", "v1/", "site/v1"])
def test_prefix(s3, audio, prefix):
    report = run(s3, audio, prefix=prefix)
    expected = normalise_prefix(prefix)
    assert keys(s3) == sorted(f"{expected}/{name}" for name in LIBRARY)
    assert report.prefix == expected
    assert run(s3, audio, prefix=prefix).uploaded == []


def test_the_prefix_is_separate_from_the_root(s3, audio):
    run(s3, audio)
    assert len(run(s3, audio, prefix="v2").uploaded) == len(LIBRARY)
    assert len(keys(s3)) == 2 * len(LIBRARY)


def test_dry_run_changes_nothing(s3, audio):
    s3.put_object(Bucket=BUCKET, Key="stray.mp3", Body=b"ID3")
    report = run(s3, audio, dry_run=True, delete=True)
    assert sorted(report.uploaded) == sorted(LIBRARY)
    assert report.deleted == ["stray.mp3"]
    assert report.summary().startswith("dry run")
    assert keys(s3) == ["stray.mp3"]

    run(s3, audio)
    (audio / "daily.vtt").write_bytes(b"WEBVTT\n")
    report = run(s3, audio, dry_run=True, delete=True)
    assert report.uploaded == ["daily.vtt"]
    assert report.deleted == ["stray.mp3"]
    assert s3.get_object(Bucket=BUCKET, Key="daily.vtt")["Body"].read() == LIBRARY["daily.vtt"]
    assert "stray.mp3" in keys(s3)


def test_hidden_files_are_not_published(s3, audio):
    (audio / ".DS_Store").write_bytes(b"\0")
    (audio / "steps" / "._daily-01.mp3").write_bytes(b"\0")
    assert sorted(run(s3, audio).uploaded) == sorted(LIBRARY)


def test_an_empty_or_missing_folder_is_refused(s3, tmp_path):
    (tmp_path / "empty").mkdir()
    for folder in (tmp_path / "empty", tmp_path / "missing"):
        with pytest.raises(PublishError):
            run(s3, folder, delete=True)
    assert keys(s3) == []


def test_a_missing_bucket_is_a_clear_error(s3, audio):
    with pytest.raises(PublishError, match="no-such-bucket"):
        publish("no-such-bucket", source=audio, progress=False, client=s3)


def test_the_real_library_is_typed():
    """Every file in audio/ gets one of the intended types."""
    from skill.deploy.publish import AUDIO_DIR

    files = local_files(AUDIO_DIR)
    assert {f.content_type for f in files} <= {
        "audio/mpeg", "text/vtt", "application/json", "application/rss+xml", "audio/x-mpegurl",
        "image/jpeg"}  # the cover
    assert any(f.key.startswith("steps/") for f in files)
    assert content_type("manifest.json") == "application/json"


def test_command_line(s3, audio, monkeypatch, capsys):
    monkeypatch.setattr("skill.deploy.publish.AUDIO_DIR", audio)
    assert cli.main(["publish-audio", "--bucket", BUCKET, "--prefix", "p", "--dry-run"]) == 0
    assert "dry run" in capsys.readouterr().out
    assert keys(s3) == []
    assert cli.main(["publish-audio", "--bucket", BUCKET, "--prefix", "p"]) == 0
    out = capsys.readouterr().out
    assert f"{len(LIBRARY)} file(s) uploaded" in out and "0 unchanged" in out
    assert cli.main(["publish-audio", "--bucket", BUCKET, "--prefix", "p", "--delete"]) == 0
    assert "0 file(s) uploaded" in capsys.readouterr().out
    assert cli.main(["publish-audio", "--bucket", "no-such-bucket"]) == 1
    assert "publish-audio:" in capsys.readouterr().err


def test_importing_the_module_loads_no_aws_or_progress_libraries():
    import subprocess
    import sys
    from pathlib import Path

    code = ("import sys, skill.deploy.publish, skill.cli; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & "
            "{'boto3', 'botocore', 's3transfer', 'tqdm'}))")
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=root).stdout
    assert out.strip() == "[]"

//! `certcockpit verify` on a 1,000-record dossier: every record's judge run again on its kept
//! observations (sidecar read, gunzip, SHA-256, JSON lines, judge). Target (BENCHMARKS.md):
//! under a second. Measured side by side with a reference in the same run: loading the same
//! dossier, which verifying includes.
//!
//! The observations are real: the API journals of `retry.backoff` and `auth.refresh` filed
//! against tests/peers/good_client.py (tests/fixtures/verified/, see its README). Each record
//! gets its own copy with every time shifted by its number of microseconds, so the 1,000
//! records name 1,000 different sidecar files and the judges give the same verdicts.

use std::hint::black_box;
use std::path::Path;

use certcockpit::checks::Kept;
use certcockpit::dossier::verify::verify;
use certcockpit::dossier::{self, Dossier, DossierStore, Evidence, Ran, sidecar};
use certcockpit::questionnaire;
use criterion::{Criterion, criterion_group, criterion_main};

const RECORDS: u64 = 1000;

/// The kept observations of the fixture's first record of `check`.
fn fixture_kept(check: &str) -> Kept {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/verified/review.toml");
    let d = dossier::load(&fixture).expect("the fixture loads");
    let e = d.evidence.iter().find(|e| e.check == check).expect("in the fixture");
    sidecar::read(&sidecar::folder_of(&fixture), e.observations_sha256.as_deref().expect("kept"))
        .expect("reads")
}

/// `kept` with every time `by` µs later.
fn shifted(kept: &Kept, by: u64) -> Kept {
    let mut k = kept.clone();
    if let Kept::Api(a) = &mut k {
        a.armed_at_us += by;
        a.end.at_us += by;
        for e in a.entries.iter_mut().chain(a.session.iter_mut()) {
            e.at_us += by;
            e.done_us += by;
        }
    }
    k
}

fn big_dossier(q: &questionnaire::Questionnaire) -> Dossier {
    let kept = [fixture_kept("retry.backoff"), fixture_kept("auth.refresh")];
    let mut d = Dossier::new(q);
    let at = chrono::Utc::now();
    for i in 0..RECORDS {
        let k = shifted(&kept[(i % 2) as usize], i);
        let mut result = k.rejudge();
        result.kept = Some(std::sync::Arc::new(k));
        d.evidence.push(Evidence::filed(result, at, Ran::PreFilled));
    }
    d
}

fn bench(c: &mut Criterion) {
    let q = questionnaire::load("uniwise-wiseflow").expect("builtin");
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("big.toml");
    {
        let (mut store, _, _) = DossierStore::open(&path, &q).expect("open");
        store.save(&big_dossier(&q)).expect("save with its sidecar");
    }
    let loaded = dossier::load(&path).expect("load");
    let states = verify(&path, &loaded);
    let verified = states.iter().filter(|c| c.is_verified()).count();
    assert_eq!(verified, RECORDS as usize, "every record verifies");
    let sidecar_bytes: u64 = std::fs::read_dir(sidecar::folder_of(&path))
        .expect("sidecar")
        .filter_map(|e| e.ok()?.metadata().ok())
        .map(|m| m.len())
        .sum();
    let dossier_bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    eprintln!(
        "1,000 records: dossier {dossier_bytes} bytes, sidecar {sidecar_bytes} bytes in {RECORDS} files"
    );

    let mut g = c.benchmark_group("verify_1000_records");
    g.sample_size(10);
    g.bench_function("reference_load_only", |b| b.iter(|| black_box(dossier::load(&path).expect("load"))));
    g.bench_function("load_and_verify", |b| {
        b.iter(|| {
            let d = dossier::load(&path).expect("load");
            black_box(verify(&path, &d))
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

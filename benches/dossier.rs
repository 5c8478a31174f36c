//! Loading and saving a large dossier: 1,000 answers and 1,000 evidence records.
//! Target (BENCHMARKS.md): under 20 ms each, the save atomic (temp file, fsync, rename) and
//! merged into the file's text (comments kept).

use std::hint::black_box;

use certcockpit::checks::{CheckResult, Verdict};
use certcockpit::dossier::{self, Dossier, DossierStore, ReviewStatus};
use certcockpit::questionnaire;
use criterion::{Criterion, criterion_group, criterion_main};

fn big_dossier() -> Dossier {
    let q = questionnaire::load("uniwise-wiseflow").expect("builtin");
    let mut d = Dossier::new(&q);
    for i in 0..1000 {
        let a = d.answer_mut(&format!("section{}.question{i}", i % 8));
        a.answer = format!("We retry idempotent GETs up to {i} times with exponential backoff and jitter.");
        a.status = ReviewStatus::Answered;
        a.note = "Confirmed in the demo.".into();
    }
    let now = chrono::Utc::now();
    for i in 0..1000 {
        let r = CheckResult::new("retry.backoff", Verdict::Pass, format!("4 attempts, gaps grow (run {i})"))
            .figure("attempts", 4usize)
            .figure("gaps_ms", vec![1.2f64, 410.5, 830.1])
            .figure("client_name", "acme-sync/2.1")
            .observe("GET /items -> 503 at 0.000 s")
            .observe("GET /items -> 200 at 1.241 s");
        d.file_evidence(r, now);
    }
    d
}

fn bench(c: &mut Criterion) {
    let q = questionnaire::load("uniwise-wiseflow").expect("builtin");
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("big.toml");
    let d = big_dossier();
    {
        let (mut store, _, _) = DossierStore::open(&path, &q).expect("open");
        store.save(&d).expect("first save");
    }
    c.bench_function("dossier_load_1000_answers_1000_evidence", |b| {
        b.iter(|| black_box(dossier::load(&path).expect("load")))
    });
    let (mut store, _, _) = DossierStore::open(&path, &q).expect("open");
    c.bench_function("dossier_save_atomic_1000_answers_1000_evidence", |b| {
        b.iter(|| store.save(black_box(&d)).expect("save"))
    });
    // The autosave's case: one answer's status changed since the last save (a save that
    // changes nothing can skip the serialization).
    let mut changing = d.clone();
    c.bench_function("dossier_save_one_change_1000_answers_1000_evidence", |b| {
        b.iter(|| {
            let a = changing.answer_mut("section0.question0");
            a.status = if a.status == ReviewStatus::Ok { ReviewStatus::NeedsWork } else { ReviewStatus::Ok };
            store.save(black_box(&changing)).expect("save")
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);

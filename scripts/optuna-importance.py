"""Writes test/fixtures/optuna-fanova.json: Optuna's fANOVA importances (FanovaImportanceEvaluator: 64 trees,
max_depth 64, sklearn's RandomForestRegressor) for data sets whose answer is known and for a real sweep run by this
app's engine (test/fixtures/fanova-inputs.json, written by `npx tsx scripts/fanova-inputs.ts`), each for 10 seeds,
so the tests can check our fANOVA against Optuna's own seed-to-seed spread.

Run once with Debian's Python, which has Optuna 3.1 and scikit-learn 1.2: /usr/bin/python3 scripts/optuna-importance.py

Every data set is stored with its features as the app fits them (log10 of a log-scale setting; a categorical one as
category indices, which Optuna one-hot encodes and the test encodes the same way) and its target (log10 loss). Optuna 3.1
builds fANOVA's search space with transform_log=False (optuna/importance/_fanova/_evaluator.py), so a log-scale setting
is handed to it as its log10, in a FloatDistribution over the data's [min, max]: the same box the app takes.
"""

import json
import pathlib

import numpy
import optuna
from optuna.distributions import CategoricalDistribution, FloatDistribution
from optuna.importance import FanovaImportanceEvaluator

SEEDS = list(range(10))
ROOT = pathlib.Path(__file__).resolve().parent.parent


def synthetic():
    rng = numpy.random.RandomState(2014)
    n = 200

    def u():
        return rng.uniform(0.0, 1.0, n)

    # lr alone: log10 loss is a bowl in log10 lr (best at 1e-2); eps and weight decay do nothing.
    log_lr, log_eps, wd = rng.uniform(-4, 0, n), rng.uniform(-10, -2, n), rng.uniform(0, 0.1, n)
    yield {
        "name": "lr-alone",
        "description": "log10 loss = (log10 lr + 2)^2; eps and weightDecay have no effect",
        "settings": [
            {"name": "lr", "kind": "numeric", "values": log_lr},
            {"name": "eps", "kind": "numeric", "values": log_eps},
            {"name": "weightDecay", "kind": "numeric", "values": wd},
        ],
        "y": (log_lr + 2) ** 2,
        "expected": {"lr": 1.0, "eps": 0.0, "weightDecay": 0.0},
    }
    # Additive, independent uniform settings: main-effect variances 4/12 and 1/12, shares 0.8 and 0.2.
    a, b = u(), u()
    yield {
        "name": "additive",
        "description": "log10 loss = 2 u(lr) + 1 u(eps), u uniform on [0, 1]: shares 0.8 / 0.2",
        "settings": [
            {"name": "lr", "kind": "numeric", "values": a},
            {"name": "eps", "kind": "numeric", "values": b},
        ],
        "y": 2 * a + b,
        "expected": {"lr": 0.8, "eps": 0.2},
    }
    # An interaction: y = u1 u2 + 0.2 u3. Main effects: Var(u1/2) = 1/48 for u1 and u2, Var(0.2 u3) = 1/300 for u3;
    # the u1 x u2 interaction (1/144) is no single setting's, so normalised shares are 0.4464 / 0.4464 / 0.1071.
    a, b, c = u(), u(), u()
    main = numpy.array([1 / 48, 1 / 48, 1 / 300])
    yield {
        "name": "interaction",
        "description": "log10 loss = u1 u2 + 0.2 u3: main effects 1/48, 1/48, 1/300 (the interaction is left out)",
        "settings": [
            {"name": "u1", "kind": "numeric", "values": a},
            {"name": "u2", "kind": "numeric", "values": b},
            {"name": "u3", "kind": "numeric", "values": c},
        ],
        "y": a * b + 0.2 * c,
        "expected": dict(zip(["u1", "u2", "u3"], (main / main.sum()).tolist())),
    }
    # A categorical setting next to a numeric one (Optuna one-hot encodes it and marginalises its columns jointly).
    kind = rng.randint(0, 3, n)
    lr = rng.uniform(-3, 0, n)
    yield {
        "name": "categorical",
        "description": "log10 loss = [0, 1, 2][optimizer] + 0.5 log10 lr; optimizer categorical with 3 values",
        "settings": [
            {"name": "optimizer", "kind": "categorical", "values": kind, "categories": ["adagrad", "adam", "sgd"]},
            {"name": "lr", "kind": "numeric", "values": lr},
        ],
        "y": numpy.array([0.0, 1.0, 2.0])[kind] + 0.5 * lr,
    }


def real_sweep():
    inputs = json.loads((ROOT / "test/fixtures/fanova-inputs.json").read_text())
    losses = numpy.array(inputs["finalLoss"], dtype=float)
    keep = numpy.isfinite(losses)
    settings = []
    for s in inputs["settings"]:
        values = numpy.array(s["values"], dtype=float)[keep]
        settings.append(
            {"name": s["name"], "kind": "numeric", "values": numpy.log10(values) if s["scale"] == "log" else values}
        )
    kept = losses[keep]
    kept = numpy.where(kept == 0, kept[kept > 0].min(), kept)
    return {
        "name": "elliptic-sweep",
        "description": inputs["description"] + "; target log10 final loss",
        "settings": settings,
        "y": numpy.log10(kept),
    }


def optuna_importances(data, seed):
    distributions = {}
    for s in data["settings"]:
        if s["kind"] == "categorical":
            distributions[s["name"]] = CategoricalDistribution(s["categories"])
        else:
            distributions[s["name"]] = FloatDistribution(float(s["values"].min()), float(s["values"].max()))
    study = optuna.create_study()
    for i, y in enumerate(data["y"]):
        params = {}
        for s in data["settings"]:
            v = s["values"][i]
            params[s["name"]] = s["categories"][int(v)] if s["kind"] == "categorical" else float(v)
        study.add_trial(optuna.trial.create_trial(params=params, distributions=distributions, value=float(y)))
    result = optuna.importance.get_param_importances(study, evaluator=FanovaImportanceEvaluator(seed=seed))
    return [result[s["name"]] for s in data["settings"]]


def main():
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    out = {
        "description": "Optuna "
        + optuna.__version__
        + " FanovaImportanceEvaluator (64 trees, max_depth 64) importances, one row per seed; written by"
        " scripts/optuna-importance.py",
        "seeds": SEEDS,
        "datasets": [],
    }
    for data in [*synthetic(), real_sweep()]:
        per_seed = numpy.array([optuna_importances(data, seed) for seed in SEEDS])
        entry = {
            "name": data["name"],
            "description": data["description"],
            "settings": [
                {
                    "name": s["name"],
                    "kind": s["kind"],
                    **({"categories": s["categories"]} if "categories" in s else {}),
                    "values": [int(v) if s["kind"] == "categorical" else float(v) for v in s["values"]],
                }
                for s in data["settings"]
            ],
            "y": [float(v) for v in data["y"]],
            "importances": per_seed.tolist(),
            "mean": per_seed.mean(axis=0).tolist(),
            "std": per_seed.std(axis=0, ddof=1).tolist(),
        }
        if "expected" in data:
            entry["expected"] = data["expected"]
        out["datasets"].append(entry)
        print(data["name"], [f"{m:.4f}±{s:.4f}" for m, s in zip(entry["mean"], entry["std"])])
    (ROOT / "test/fixtures/optuna-fanova.json").write_text(json.dumps(out) + "\n")


if __name__ == "__main__":
    main()

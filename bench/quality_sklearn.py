"""scikit-learn's side of `npm run bench:quality`: MLPClassifier with its defaults after standard
scaling, on the split `lnn split --format csv` wrote (train.csv, dev.csv, test.csv with the class in
column y), once per random_state. Prints one JSON document: the test accuracy of each state, fitted
on train alone (the rows lnn trains on) and on train + dev (what a scikit-learn user fits on).
Usage: python3 bench/quality_sklearn.py SPLIT_DIR STATES"""
import csv
import json
import sys
import warnings

from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler


def read(path):
    with open(path, newline='') as f:
        rows = list(csv.reader(f))
    y = rows[0].index('y')
    X = [[float(v) for i, v in enumerate(r) if i != y] for r in rows[1:]]
    return X, [r[y] for r in rows[1:]]


def main():
    folder, states = sys.argv[1], int(sys.argv[2])
    train, dev, test = (read(f'{folder}/{name}.csv') for name in ('train', 'dev', 'test'))
    out = {'m': {'train': len(train[1]), 'dev': len(dev[1]), 'test': len(test[1])}, 'train': [], 'trainDev': []}
    # Defaults stop at max_iter=200 with a ConvergenceWarning on these sets: the defaults are the point.
    warnings.simplefilter('ignore', ConvergenceWarning)
    for state in range(states):
        for key, (X, y) in (('train', train), ('trainDev', (train[0] + dev[0], train[1] + dev[1]))):
            model = make_pipeline(StandardScaler(), MLPClassifier(random_state=state)).fit(X, y)
            out[key].append(model.score(*test))
    print(json.dumps(out))


main()

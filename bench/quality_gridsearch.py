"""scikit-learn's side of the second target of `npm run bench:quality`: GridSearchCV over MLPClassifier
with standard scaling, cv=5 (StratifiedKFold), refit on all it was given (refit=True, its default), on
the train + dev rows of the split `lnn split --format csv` wrote, scored on its test rows, once per
random_state of the MLP. The grid is the one lnn's side sweeps: hidden widths and the L2 penalty
(scikit-learn's alpha is the course's lambda: both add alpha/(2m)·Σ‖W‖² to the cost).
Prints one JSON document: each state's test accuracy and the parameters it chose.
Usage: python3 bench/quality_gridsearch.py SPLIT_DIR STATES HIDDEN L2
  HIDDEN: widths per configuration, e.g. '16;100;256,128'; L2: e.g. '0.0001,0.01,1'"""
import csv
import json
import sys
import warnings

from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV
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
    hidden = [tuple(int(w) for w in h.split(',')) for h in sys.argv[3].split(';')]
    l2 = [float(a) for a in sys.argv[4].split(',')]
    train, dev, test = (read(f'{folder}/{name}.csv') for name in ('train', 'dev', 'test'))
    X, y = train[0] + dev[0], train[1] + dev[1]
    grid = {'mlpclassifier__hidden_layer_sizes': hidden, 'mlpclassifier__alpha': l2}
    out = {'m': {'trainDev': len(y), 'test': len(test[1])}, 'test': [], 'chosen': [], 'cv': []}
    # The defaults stop at max_iter=200 with a ConvergenceWarning on these sets: the defaults are the point.
    warnings.simplefilter('ignore', ConvergenceWarning)
    for state in range(states):
        search = GridSearchCV(make_pipeline(StandardScaler(), MLPClassifier(random_state=state)), grid, cv=5)
        search.fit(X, y)
        out['test'].append(search.score(*test))
        p = search.best_params_
        out['chosen'].append({'hidden': list(p['mlpclassifier__hidden_layer_sizes']), 'l2': p['mlpclassifier__alpha']})
        out['cv'].append(search.best_score_)
    print(json.dumps(out))


main()

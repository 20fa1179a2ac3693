// Zero-shot evaluation of remapped models: copied rows reproduce the old logits and the
// old model's accuracy restricted to the kept classes; growing reports old-class accuracy.

#include "core/training/headremapper.h"
#include "core/training/modelevaluator.h"
#include "core/training/modeledit.h"
#include "core/training/trainer.h"
#include "trainingtestmodels.h"

#include <QTest>

#include <cmath>

using namespace graft;
using namespace graft::testmodels;

namespace {

/** A 6-class MLP trained on blobs, and its data. */
struct Pretrained
{
    ModelSpec model;
    SampleSet train, validation;
    QStringList classNames;
};

Pretrained pretrain()
{
    Pretrained p;
    p.classNames = names(QStringLiteral("old"), 6);
    p.train = blobs(6, 40, 8, 11, 1.2);
    p.validation = blobs(6, 30, 8, 12, 1.2);
    TrainingParams params;
    params.model = mlp(8, 16, 6, 21);
    params.classNames = p.classNames;
    params.train = p.train;
    params.validation = p.validation;
    params.trainable.preset = TrainPreset::All;
    params.epochs = 15;
    params.optimizer.learningRate = 0.01;
    params.seed = 3;
    const auto result = Trainer::run(params);
    if (result)
        p.model = result->model;
    return p;
}

std::vector<float> logitsOf(ModelSpec model, const SampleSet &samples)
{
    const auto head = HeadRemapper::locate(model);
    modeledit::setConfigValue(*model.layer(head->layer), QStringLiteral("activation"), QStringLiteral("linear"));
    auto scores = ModelEvaluator::predict(model, QString(), samples);
    return scores ? *scores : std::vector<float>();
}

} // namespace

class TestZeroShot final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        m_old = pretrain();
        QVERIFY(!m_old.model.layers.isEmpty());
        auto report = ModelEvaluator::evaluate(m_old.model, QString(), m_old.validation, 6);
        QVERIFY(report);
        qInfo("old model validation accuracy: %.3f", report->accuracy);
        // Not trivially perfect, so the restricted accuracy below means something.
        QVERIFY(report->accuracy > 0.5 && report->accuracy < 1.0);
    }

    void copyRowsReproduceOldLogitsAndRestrictedAccuracy()
    {
        const QVector<int> kept{0, 2, 3, 5};
        QStringList newNames;
        for (int c : kept)
            newNames << m_old.classNames[c];
        const HeadPlan plan = HeadPlan::automatic(newNames, m_old.classNames, 6, HeadStrategy::Zero);
        const auto remapped = HeadRemapper::apply(m_old.model, plan);
        QVERIFY2(remapped, qPrintable(remapped.errorString()));

        const SampleSet subset = relabelled(m_old.validation, kept);
        const std::vector<float> oldLogits = logitsOf(m_old.model, subset);
        const std::vector<float> newLogits = logitsOf(remapped->model, subset);
        QCOMPARE(oldLogits.size(), std::size_t(subset.count() * 6));
        QCOMPARE(newLogits.size(), std::size_t(subset.count() * 4));
        double maxDiff = 0.0;
        int identical = 0;
        for (std::int64_t i = 0; i < subset.count(); ++i)
            for (int r = 0; r < 4; ++r) {
                const float a = oldLogits[std::size_t(i * 6 + kept[r])];
                const float b = newLogits[std::size_t(i * 4 + r)];
                maxDiff = std::max(maxDiff, double(std::abs(a - b)));
                identical += a == b ? 1 : 0;
            }
        qInfo("kept-class logits: %d of %lld identical, max |difference| %.3g", identical,
              static_cast<long long>(subset.count() * 4), maxDiff);
        QVERIFY(maxDiff <= 1e-6);

        // Zero-shot accuracy equals the old model's accuracy with its argmax restricted to the kept classes.
        const auto oldScores = ModelEvaluator::predict(m_old.model, QString(), subset);
        QVERIFY(oldScores);
        int correct = 0;
        for (std::int64_t i = 0; i < subset.count(); ++i) {
            int best = 0;
            for (int r = 1; r < 4; ++r)
                if ((*oldScores)[std::size_t(i * 6 + kept[r])] > (*oldScores)[std::size_t(i * 6 + kept[best])])
                    best = r;
            correct += best == subset.labels[int(i)] ? 1 : 0;
        }
        const double restricted = double(correct) / double(subset.count());
        const auto zeroShot = ModelEvaluator::evaluate(remapped->model, QString(), subset, 4);
        QVERIFY(zeroShot);
        qInfo("zero-shot %.4f, restricted old %.4f", zeroShot->accuracy, restricted);
        QCOMPARE(zeroShot->accuracy, restricted);
    }

    void growingReportsOldClassAccuracy()
    {
        // Two more classes; the six old ones are copied and the new ones imprinted.
        const SampleSet all = blobs(8, 40, 8, 11, 1.2, 1234);
        const SampleSet allVal = blobs(8, 30, 8, 12, 1.2, 1234);
        QStringList newNames = m_old.classNames;
        newNames << QStringLiteral("new00") << QStringLiteral("new01");
        const HeadPlan plan = HeadPlan::automatic(newNames, m_old.classNames, 6, HeadStrategy::Imprint);
        const auto head = HeadRemapper::locate(m_old.model);
        QVERIFY(head);
        const auto means = ModelEvaluator::classMeanEmbeddings(m_old.model, QString(), *head, all, 8);
        QVERIFY2(means, qPrintable(means.errorString()));
        const auto remapped = HeadRemapper::apply(m_old.model, plan, *means);
        QVERIFY2(remapped, qPrintable(remapped.errorString()));
        for (int j = 0; j < 6; ++j)
            QCOMPARE(remapped->copiedFrom[j], j);
        const auto zeroShot = ModelEvaluator::evaluate(remapped->model, QString(), allVal, 8);
        QVERIFY(zeroShot);
        const auto newOnly = ClassificationReport::accuracyOver(zeroShot->confusion, {6, 7});
        qInfo("grown model zero-shot: %.3f overall, %.3f on the imprinted classes", zeroShot->accuracy, *newOnly);
        QVERIFY(*newOnly > 0.3); // imprinting alone already recognizes new classes well above chance (1/8)

        TrainingParams params;
        params.model = remapped->model;
        params.headLayers = {remapped->headLayer};
        params.keptOldClasses = {0, 1, 2, 3, 4, 5};
        params.classNames = newNames;
        params.train = all;
        params.validation = allVal;
        params.epochs = 5;
        params.seed = 1;
        const auto trained = Trainer::run(params);
        QVERIFY2(trained, qPrintable(trained.errorString()));
        QVERIFY(trained->finalValidation.keptOldClassAccuracy.has_value());
        QCOMPARE(*trained->finalValidation.keptOldClassAccuracy,
                 *ClassificationReport::accuracyOver(trained->finalValidation.confusion, {0, 1, 2, 3, 4, 5}));
        // The body did not move: head-only training.
        QCOMPARE(weightsOf(trained->model, QStringLiteral("dense")), weightsOf(m_old.model, QStringLiteral("dense")));
    }

private:
    Pretrained m_old;
};

QTEST_APPLESS_MAIN(TestZeroShot)
#include "tst_zeroshot.moc"

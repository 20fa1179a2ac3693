#include "core/arch/keraslayercatalog.h"
#include "core/model/layercatalog.h"

#include <QtTest>

using namespace graft;

/**
 * The layer classes the code reader can build (KerasLayerCatalog) are classes the rest of
 * Graft reads (LayerCatalog): else an architecture made from the user's code would be
 * refused by the parser that reads it back.
 */
class TestCatalogAgreement final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void everyBuildableClassIsRead()
    {
        const QStringList buildable = KerasLayerCatalog::classNames();
        QVERIFY(buildable.size() > 20);
        QStringList unknown;
        for (const QString &name : buildable)
            if (!LayerCatalog::knows(name))
                unknown << name;
        QVERIFY2(unknown.isEmpty(), qPrintable(unknown.join(QStringLiteral(", "))));
    }
};

QTEST_GUILESS_MAIN(TestCatalogAgreement)
#include "tst_catalogagreement.moc"

// Runs the QML TestCase files of this directory (tst_*.qml) with C++ jobs registered.
#include <nativejobs.h>

#include <QtCore/qobject.h>
#include <QtQuickTest/quicktest.h>

#include <stdexcept>

class Setup : public QObject
{
    Q_OBJECT

public slots:
    void applicationAvailable()
    {
        FastThreadPool::Qml::registerNativeJob(QStringLiteral("nativeSum"),
                                               [](const QVariantList &args) {
                                                   double sum = 0;
                                                   for (const QVariant &arg : args)
                                                       sum += arg.toDouble();
                                                   return QVariant(sum);
                                               });
        FastThreadPool::Qml::registerNativeJob(
                QStringLiteral("nativeThrow"), [](const QVariantList &args) -> QVariant {
                    throw std::runtime_error(args.value(0).toString().toStdString());
                });
    }
};

QUICK_TEST_MAIN_WITH_SETUP(tst_qml_threadpool, Setup)

#include "tst_qml_threadpool.moc"

// The translation template (issue 8 §3): the default build leaves <build>/resources/translations/
// vigil.ts, extracted by lupdate from app/, models/ and ui/. It must be a Linguist TS file with
// messages from the shell, the pages, the models and the core's marked strings, so a translator
// starts from every user-visible string.
#include <QFile>
#include <QHash>
#include <QTest>
#include <QXmlStreamReader>

class TestTranslations : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void templateHasMessagesFromEveryLayer()
    {
        const QString path
            = qEnvironmentVariable("VIGIL_BUILD_DIR") + QStringLiteral("/resources/translations/vigil.ts");
        QFile f(path);
        QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(path));
        QXmlStreamReader xml(&f);
        QHash<QString, int> perContext;
        QString context;
        int messages = 0;
        bool sawTs = false;
        while (!xml.atEnd()) {
            xml.readNext();
            if (!xml.isStartElement())
                continue;
            if (xml.name() == QLatin1String("TS"))
                sawTs = true;
            else if (xml.name() == QLatin1String("name") && context.isNull())
                context = xml.readElementText();
            else if (xml.name() == QLatin1String("context"))
                context = QString();
            else if (xml.name() == QLatin1String("message")) {
                ++messages;
                ++perContext[context];
            }
        }
        QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
        QVERIFY(sawTs);
        qInfo("%d messages in %d contexts", messages, int(perContext.size()));
        // Vigil has over 800 user-visible strings; far fewer means lupdate missed files.
        QVERIFY2(messages > 600, qPrintable(QString::number(messages)));
        for (const char* c :
             {"vigil::ui::MainWindow", "vigil::ui::OverviewPage", "vigil::ui::ChecklistPanel", "vigil::ui::IndexesPage",
              "vigil::ChecklistModel", "vigil::NodeTableModel", "vigil::checklist"}) {
            QVERIFY2(
                perContext.value(QLatin1String(c)) >= 3,
                qPrintable(QStringLiteral("%1: %2").arg(QLatin1String(c)).arg(perContext.value(QLatin1String(c)))));
        }
    }
};

QTEST_GUILESS_MAIN(TestTranslations)
#include "tst_translations.moc"

#include "guiapp.h"

#include "colorscheme.h"
#include "coreservices.h"
#include "icons.h"
#include "mainwindow.h"
#include "screenshots.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QFileInfo>
#include <QLibraryInfo>
#include <QLocale>
#include <QTextStream>
#include <QTranslator>

namespace pgferry::wizard {

// Loads the translation for `language` (e.g. "de"), or for the system's languages when empty.
bool installTranslation(QApplication &app, const QString &language)
{
    auto *translator = new QTranslator(&app);
    const QLocale locale = language.isEmpty() ? QLocale::system() : QLocale(language);
    if (!language.isEmpty())
        QLocale::setDefault(locale);
    const bool found =
        translator->load(locale, QStringLiteral("pgferry"), QStringLiteral("_"), QStringLiteral(":/i18n"));
    // Without a translation for the language, English with its plural forms ("1 table", "2 tables").
    if (!found && !translator->load(QStringLiteral(":/i18n/pgferry_en"))) {
        delete translator;
        return false;
    }
    QApplication::installTranslator(translator);
    if (!found)
        return false;
    auto *qt = new QTranslator(&app);
    if (qt->load(locale, QStringLiteral("qtbase"), QStringLiteral("_"),
                 QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QApplication::installTranslator(qt);
    else
        delete qt;
    return true;
}

int runGuiApplication(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("pgferry"));
    QApplication::setOrganizationName(QStringLiteral("pgferry"));
    QApplication::setApplicationVersion(QStringLiteral(PGFERRY_VERSION));
    QApplication::setWindowIcon(appIcon());
    // Matches resources/io.github.pgferry.Pgferry.desktop, so a Wayland shell shows its icon and name.
    QGuiApplication::setDesktopFileName(QStringLiteral("io.github.pgferry.Pgferry"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("pgferry: online PostgreSQL migration wizard"));
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption lang(QStringLiteral("lang"),
                            QStringLiteral("User interface language (e.g. de, en); default: the system's."),
                            QStringLiteral("LANG"));
    QCommandLineOption shots(
        QStringLiteral("screenshots"),
        QStringLiteral("Render every page with sample data to DIR/NN-<page>.png and exit."),
        QStringLiteral("DIR"));
    QCommandLineOption dark(
        QStringLiteral("dark"),
        QStringLiteral("Dark colours for this session (View > Colours remembers a choice)."));
    QCommandLineOption light(QStringLiteral("light"), QStringLiteral("Light colours for this session."));
    QCommandLineOption cloudConfig(
        QStringLiteral("cloud-config"),
        QStringLiteral(
            "Another Azure cloud, in the shape `az cloud show` prints (as pgferry-cli azure --cloud-config); "
            "projects that name no cloud file use it, and record it."),
        QStringLiteral("FILE"));
    parser.addOption(lang);
    parser.addOption(cloudConfig);
    parser.addOption(shots);
    parser.addOption(dark);
    parser.addOption(light);
    parser.addPositionalArgument(QStringLiteral("project"),
                                 QStringLiteral("A .pgferry project file to open."),
                                 QStringLiteral("[project]"));
    parser.process(app);
    if (parser.isSet(dark) && parser.isSet(light)) {
        QTextStream(stderr) << "pgferry: --dark and --light exclude each other\n";
        return 2;
    }

    const QString language = parser.value(lang);
    if (!installTranslation(app, language) && !language.isEmpty() && !language.startsWith(u"en"))
        QTextStream(stderr) << "pgferry: no translation for language " << language << ", using English\n";

    if (parser.isSet(shots)) {
        QString error;
        const QStringList files = renderScreenshots(parser.value(shots), &error, parser.isSet(dark));
        QTextStream out(stdout);
        for (const QString &f : files)
            out << f << '\n';
        if (!error.isEmpty()) {
            QTextStream(stderr) << "pgferry: " << error << '\n';
            return 1;
        }
        return 0;
    }

    auto services = std::make_shared<CoreServices>();
    if (parser.isSet(cloudConfig)) {
        CoreAzureSession::Config azure = services->azureConfig();
        azure.cloudConfigFile = QFileInfo(parser.value(cloudConfig)).absoluteFilePath();
        services->setAzureConfig(azure);
    }
    MainWindow window(services);
    ColorScheme *scheme = window.colorScheme();
    scheme->apply(parser.isSet(dark)    ? ColorScheme::Choice::Dark
                  : parser.isSet(light) ? ColorScheme::Choice::Light
                                        : scheme->savedChoice());
    if (!parser.positionalArguments().isEmpty())
        window.openProject(parser.positionalArguments().constFirst());
    window.show();
    return app.exec();
}

} // namespace pgferry::wizard

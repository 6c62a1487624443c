#include "colorscheme.h"

#include <QApplication>
#include <QSettings>
#include <QStyle>
#include <QStyleHints>
#include <optional>

namespace pgferry::wizard {

namespace {

const char kKey[] = "view/colorScheme";

std::optional<ColorScheme::Choice> choiceFromName(const QString &name)
{
    for (auto c : {ColorScheme::Choice::System, ColorScheme::Choice::Light, ColorScheme::Choice::Dark})
        if (ColorScheme::name(c) == name)
            return c;
    return std::nullopt;
}

} // namespace

ColorScheme::ColorScheme(QObject *parent) : QObject(parent)
{
    QSettings app;
    m_saved = m_current = choiceFromName(app.value(QLatin1String(kKey)).toString()).value_or(Choice::System);
#if QT_VERSION >= QT_VERSION_CHECK(6, 5, 0)
    // A desktop that switches between light and dark while the application runs.
    connect(QGuiApplication::styleHints(), &QStyleHints::colorSchemeChanged, this, [this] {
        if (m_current == Choice::System)
            applyPalette();
    });
#endif
}

QString ColorScheme::name(Choice choice)
{
    switch (choice) {
    case Choice::System:
        return QStringLiteral("system");
    case Choice::Light:
        return QStringLiteral("light");
    case Choice::Dark:
        return QStringLiteral("dark");
    }
    return {};
}

void ColorScheme::setSettings(QSettings *settings)
{
    m_settings = settings;
    QSettings app;
    QSettings &s = m_settings ? *m_settings : app;
    m_saved = choiceFromName(s.value(QLatin1String(kKey)).toString()).value_or(Choice::System);
    m_current = m_saved;
    Q_EMIT changed(m_current);
}

void ColorScheme::setChoice(Choice choice)
{
    m_saved = choice;
    QSettings app;
    QSettings &s = m_settings ? *m_settings : app;
    s.setValue(QLatin1String(kKey), name(choice));
    apply(choice);
}

void ColorScheme::apply(Choice choice)
{
    m_current = choice;
    applyPalette();
    Q_EMIT changed(choice);
}

void ColorScheme::applyPalette()
{
    switch (m_current) {
    case Choice::Light:
        QApplication::setPalette(lightPalette());
        return;
    case Choice::Dark:
        QApplication::setPalette(darkPalette());
        return;
    case Choice::System:
        break;
    }
    // A palette with no role set gives the platform theme's palette back, and Qt keeps following it.
    QApplication::setPalette(QPalette());
#if QT_VERSION >= QT_VERSION_CHECK(6, 5, 0)
    // A desktop that says dark while its Qt theme still paints light (no platform theme plug-in).
    if (QGuiApplication::styleHints()->colorScheme() == Qt::ColorScheme::Dark && !isDark())
        QApplication::setPalette(darkPalette());
#endif
}

bool ColorScheme::isDark()
{
    const QPalette p = QApplication::palette();
    return p.color(QPalette::Window).lightness() < p.color(QPalette::WindowText).lightness();
}

QPalette ColorScheme::lightPalette()
{
    return QApplication::style()->standardPalette();
}

QPalette ColorScheme::darkPalette()
{
    const QColor window(0x2b, 0x2d, 0x31);
    const QColor text(0xe8, 0xe8, 0xe8);
    const QColor base(0x1e, 0x1f, 0x22);
    const QColor button(0x35, 0x37, 0x3c);
    const QColor disabled(0x80, 0x80, 0x80);
    // Every role set, so nothing falls back to a light colour of the platform's palette.
    QPalette p(text, button, button.lighter(140), base, QColor(0x45, 0x48, 0x4e), text, Qt::white, base,
               window);
    p.setColor(QPalette::Midlight, button.lighter(120));
    p.setColor(QPalette::Shadow, Qt::black);
    p.setColor(QPalette::AlternateBase, QColor(0x26, 0x28, 0x2c));
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::Highlight, QColor(0x2f, 0x74, 0xc0));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::PlaceholderText, QColor(0x9a, 0x9d, 0xa3));
    p.setColor(QPalette::Link, QColor(0x6c, 0xb4, 0xff));
    p.setColor(QPalette::LinkVisited, QColor(0xb4, 0x8c, 0xff));
    p.setColor(QPalette::ToolTipBase, button);
    p.setColor(QPalette::ToolTipText, text);
    for (QPalette::ColorRole r :
         {QPalette::WindowText, QPalette::Text, QPalette::ButtonText, QPalette::PlaceholderText})
        p.setColor(QPalette::Disabled, r, disabled);
    p.setColor(QPalette::Disabled, QPalette::Base, window);
    p.setColor(QPalette::Disabled, QPalette::Highlight, QColor(0x45, 0x48, 0x4e));
    p.setColor(QPalette::Disabled, QPalette::HighlightedText, disabled);
    return p;
}

} // namespace pgferry::wizard

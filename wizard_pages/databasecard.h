// One database on the dashboard: its phase, "Full load completed 12 of 14 tables", a progress
// bar, pending changes, lag and ETA, how schema changes on the source are seen ("Schema: carried
// (event trigger)" or "Schema: watched only"), and a badge when there are some: "3 schema changes",
// or "1 unresolved schema change" in the problem colour; its tooltip lists them, a click opens the
// full list. While it streams, "Cut over…" cuts over this database alone (the others stream on).
#pragma once

#include "engine/migrationstatus.h"

#include <QFrame>

class QLabel;
class QProgressBar;
class QToolButton;

namespace pgferry::wizard {

class DatabaseCard : public QFrame
{
    Q_OBJECT
public:
    explicit DatabaseCard(QWidget *parent = nullptr);
    void setStatus(const engine::DatabaseStatus &status);
    QString progressText() const;
    static QString progressText(const engine::DatabaseStatus &status);

    // "Schema: carried (event trigger)", "Schema: watched only"; empty when the
    // engine does not say (offline, or not streaming yet).
    static QString captureText(const QString &ddlCapture);
    // "3 schema changes", "1 unresolved schema change"; empty without changes.
    static QString schemaBadgeText(const engine::DatabaseStatus &status);
    // Each change (kind, object, state; the detail of unresolved ones), as rich text.
    static QString schemaChangesToolTip(const engine::DatabaseStatus &status);
    // The readiness verdict of a streaming database, check by check, as rich text (the card's tooltip).
    static QString readinessToolTip(const engine::DatabaseStatus &status);
    // A readiness check's name in words ("Schema in sync", "Open sessions", ...).
    static QString readinessCheckName(const QString &check);
    // A schema change's state in words ("applied", "deferred to cutover", ...).
    static QString schemaStateText(const QString &state);

    QToolButton *schemaBadge() const { return m_schemaBadge; } // hidden without changes
    QLabel *captureLabel() const { return m_capture; }         // hidden when the engine does not say
    QToolButton *cutoverButton() const { return m_cutover; }   // shown while the database streams

Q_SIGNALS:
    // The badge was clicked: show this database's schema changes.
    void schemaChangesRequested(const QString &database);
    // "Cut over…" was clicked: cut over this database alone.
    void cutoverRequested(const QString &database);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    // Fits "name → target" into the card's first row, eliding its middle; the whole as a tooltip.
    void elideTitle();

    QString m_database;
    QString m_titleText;
    QLabel *m_title;
    QLabel *m_phase;
    QLabel *m_progress;
    QProgressBar *m_bar;
    QLabel *m_pending;
    QLabel *m_lag;
    QLabel *m_eta;
    QLabel *m_capture;
    QToolButton *m_schemaBadge;
    QToolButton *m_cutover;
};

} // namespace pgferry::wizard

// The base of every wizard page: a thin view that loads from and stores into the Project, reports
// edits (for the dirty marker), and shows field errors under the inputs they concern.
#pragma once

#include "project/project.h"

#include <QWizardPage>

class QLabel;
class QFormLayout;

namespace pgferry::wizard {

class MigrationWizard;

class WizardPage : public QWizardPage
{
    Q_OBJECT
public:
    explicit WizardPage(MigrationWizard *wizard);
    virtual void loadFrom(const project::Project &project) = 0;
    virtual void storeTo(project::Project &project) const = 0;

Q_SIGNALS:
    void edited();

protected:
    MigrationWizard *mw() const { return m_wizard; }
    // Emits edited() and completeChanged() whenever the input changes (not while loading).
    void watch(QWidget *input);
    // A small red label for a field's error; hidden while it is empty.
    static QLabel *makeErrorLabel(const QString &objectName);
    static void setError(QLabel *label, const QString &text);
    // A one-line explanation under an input, in a smaller, muted font.
    static QLabel *makeHint(const QString &text);
    bool loading() const;

private:
    MigrationWizard *m_wizard;
};

} // namespace pgferry::wizard

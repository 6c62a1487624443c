#include "wizardpage.h"
#include "migrationwizard.h"

#include <QAbstractButton>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QSpinBox>

namespace pgferry::wizard {

WizardPage::WizardPage(MigrationWizard *wizard) : m_wizard(wizard) {}

bool WizardPage::loading() const
{
    return m_wizard->isLoading();
}

void WizardPage::watch(QWidget *input)
{
    auto changed = [this] {
        if (loading())
            return;
        Q_EMIT edited();
        Q_EMIT completeChanged();
    };
    if (auto *e = qobject_cast<QLineEdit *>(input))
        connect(e, &QLineEdit::textChanged, this, changed);
    else if (auto *b = qobject_cast<QAbstractButton *>(input))
        connect(b, &QAbstractButton::toggled, this, changed);
    else if (auto *s = qobject_cast<QSpinBox *>(input))
        connect(s, &QSpinBox::valueChanged, this, changed);
    else if (auto *d = qobject_cast<QDoubleSpinBox *>(input))
        connect(d, &QDoubleSpinBox::valueChanged, this, changed);
    else if (auto *c = qobject_cast<QComboBox *>(input))
        connect(c, &QComboBox::currentIndexChanged, this, changed);
    else if (auto *t = qobject_cast<QPlainTextEdit *>(input))
        connect(t, &QPlainTextEdit::textChanged, this, changed);
}

QLabel *WizardPage::makeErrorLabel(const QString &objectName)
{
    auto *l = new QLabel;
    l->setObjectName(objectName);
    l->setWordWrap(true);
    QPalette pal = l->palette();
    pal.setColor(QPalette::WindowText, QColor(0xd1, 0x34, 0x38));
    l->setPalette(pal);
    l->setVisible(false);
    return l;
}

void WizardPage::setError(QLabel *label, const QString &text)
{
    label->setText(text);
    label->setVisible(!text.isEmpty());
}

QLabel *WizardPage::makeHint(const QString &text)
{
    auto *l = new QLabel(text);
    l->setWordWrap(true);
    QFont f = l->font();
    f.setPointSizeF(f.pointSizeF() * 0.9);
    l->setFont(f);
    l->setForegroundRole(QPalette::PlaceholderText);
    return l;
}

} // namespace pgferry::wizard

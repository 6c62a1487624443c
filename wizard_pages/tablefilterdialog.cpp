#include "tablefilterdialog.h"

#include "backgroundtask.h"
#include "format.h"

#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace pgferry::wizard {

namespace {
bool matchesAny(const QString &table, const QStringList &patterns)
{
    for (const QString &p : patterns) {
        const QRegularExpression re(QRegularExpression::wildcardToRegularExpression(p.trimmed()),
                                    QRegularExpression::CaseInsensitiveOption);
        if (re.match(table).hasMatch())
            return true;
    }
    return false;
}

QStringList splitPatterns(const QString &text)
{
    QStringList out;
    for (const QString &p : text.split(QRegularExpression(QStringLiteral("[,\\s]+")), Qt::SkipEmptyParts))
        out << p;
    return out;
}
} // namespace

bool TableFilterDialog::matches(const QString &table, const QStringList &includes,
                                const QStringList &excludes)
{
    if (!includes.isEmpty() && !matchesAny(table, includes))
        return false;
    return !matchesAny(table, excludes);
}

TableFilterDialog::TableFilterDialog(ServicesPtr services, const pg::ConnInfo &database,
                                     const QStringList &includes, const QStringList &excludes,
                                     QWidget *parent)
    : QDialog(parent), m_includes(includes), m_excludes(excludes)
{
    setObjectName(QStringLiteral("tableFilterDialog"));
    setWindowTitle(tr("Tables of %1").arg(database.database));
    resize(620, 480);
    m_search = new QLineEdit;
    m_search->setObjectName(QStringLiteral("tableFilterSearch"));
    m_search->setAccessibleName(tr("Search tables"));
    m_search->setPlaceholderText(tr("Search…"));
    m_search->setClearButtonEnabled(true);
    m_tables = new QTreeWidget;
    m_tables->setObjectName(QStringLiteral("tableFilterList"));
    m_tables->setAccessibleName(tr("Tables to migrate"));
    m_tables->setRootIsDecorated(false);
    m_tables->setHeaderLabels({tr("Table"), tr("Size"), tr("Rows (estimate)")});
    m_tables->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_tables->header()->setStretchLastSection(false);
    m_patterns = new QLineEdit;
    m_patterns->setObjectName(QStringLiteral("tableFilterExcludePatterns"));
    m_patterns->setAccessibleName(tr("Exclude patterns"));
    m_patterns->setPlaceholderText(tr("e.g. audit.* public.tmp_*"));
    QStringList patterns;
    for (const QString &e : excludes)
        if (e.contains(u'*') || e.contains(u'?'))
            patterns << e;
    m_patterns->setText(patterns.join(QLatin1Char(' ')));
    m_status = new QLabel(tr("Reading the tables…"));
    m_status->setObjectName(QStringLiteral("tableFilterStatus"));
    auto *all = new QPushButton(tr("Select &all"));
    all->setObjectName(QStringLiteral("tableFilterAll"));
    auto *none = new QPushButton(tr("Select n&one"));
    none->setObjectName(QStringLiteral("tableFilterNone"));
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("OK"));
    m_buttons->button(QDialogButtonBox::Cancel)->setText(tr("Cancel"));

    auto *top = new QHBoxLayout;
    top->addWidget(m_search, 1);
    top->addWidget(all);
    top->addWidget(none);
    auto *pat = new QHBoxLayout;
    auto *patLabel = new QLabel(tr("&Exclude patterns:"));
    patLabel->setBuddy(m_patterns);
    pat->addWidget(patLabel);
    pat->addWidget(m_patterns, 1);
    auto *v = new QVBoxLayout(this);
    v->addLayout(top);
    v->addWidget(m_tables, 1);
    v->addLayout(pat);
    v->addWidget(m_status);
    v->addWidget(m_buttons);

    connect(m_buttons, &QDialogButtonBox::accepted, this, &TableFilterDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &TableFilterDialog::reject);
    connect(m_search, &QLineEdit::textChanged, this, [this](const QString &text) {
        for (int i = 0; i < m_tables->topLevelItemCount(); ++i) {
            QTreeWidgetItem *it = m_tables->topLevelItem(i);
            it->setHidden(!text.isEmpty() && !it->text(0).contains(text, Qt::CaseInsensitive));
        }
    });
    auto setAll = [this](bool on) {
        for (int i = 0; i < m_tables->topLevelItemCount(); ++i)
            if (!m_tables->topLevelItem(i)->isHidden())
                m_tables->topLevelItem(i)->setCheckState(0, on ? Qt::Checked : Qt::Unchecked);
    };
    connect(all, &QPushButton::clicked, this, [setAll] { setAll(true); });
    connect(none, &QPushButton::clicked, this, [setAll] { setAll(false); });
    connect(m_tables, &QTreeWidget::itemChanged, this, &TableFilterDialog::updateCount);
    connect(m_patterns, &QLineEdit::textChanged, this, &TableFilterDialog::updateCount);

    if (services) {
        runInBackground(
            this,
            [services, database] {
                QString error;
                auto tables = services->listTables(database, &error);
                return std::make_pair(tables, error);
            },
            [this](const std::pair<std::optional<QList<assess::TableInventory>>, QString> &r) {
                if (!r.first) {
                    m_status->setText(tr("The tables could not be read: %1").arg(r.second));
                    return;
                }
                setTables(*r.first);
            });
    }
}

void TableFilterDialog::setTables(const QList<assess::TableInventory> &tables)
{
    m_tables->clear();
    const QStringList patterns = splitPatterns(m_patterns->text());
    for (const assess::TableInventory &t : tables) {
        auto *it = new QTreeWidgetItem(
            m_tables, {t.qualifiedName(), Format::bytes(t.sizeBytes), Format::count(t.rowsEstimated)});
        it->setFlags(it->flags() | Qt::ItemIsUserCheckable);
        const bool patternExcluded = matchesAny(t.qualifiedName(), patterns);
        it->setCheckState(0, !patternExcluded && matches(t.qualifiedName(), m_includes, m_excludes)
                                 ? Qt::Checked
                                 : Qt::Unchecked);
        it->setTextAlignment(1, Qt::AlignRight | Qt::AlignVCenter);
        it->setTextAlignment(2, Qt::AlignRight | Qt::AlignVCenter);
    }
    m_loaded = true;
    updateCount();
}

void TableFilterDialog::updateCount()
{
    if (!m_loaded)
        return;
    const QStringList patterns = splitPatterns(m_patterns->text());
    int n = 0;
    for (int i = 0; i < m_tables->topLevelItemCount(); ++i) {
        QTreeWidgetItem *it = m_tables->topLevelItem(i);
        n += it->checkState(0) == Qt::Checked && !matchesAny(it->text(0), patterns) ? 1 : 0;
    }
    m_status->setText(
        tr("%1 of %n table(s) will be migrated.", nullptr, m_tables->topLevelItemCount()).arg(n));
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(n > 0);
}

void TableFilterDialog::accept()
{
    if (m_loaded) {
        QStringList excludes = splitPatterns(m_patterns->text());
        for (int i = 0; i < m_tables->topLevelItemCount(); ++i) {
            QTreeWidgetItem *it = m_tables->topLevelItem(i);
            if (it->checkState(0) != Qt::Checked && !matchesAny(it->text(0), excludes))
                excludes << it->text(0);
        }
        m_includes.clear();
        m_excludes = excludes;
    } else {
        m_excludes = splitPatterns(m_patterns->text());
    }
    QDialog::accept();
}

} // namespace pgferry::wizard

#include "databasespage.h"

#include "assessmentview.h"
#include "backgroundtask.h"
#include "format.h"
#include "icons.h"
#include "migrationwizard.h"
#include "tablefilterdialog.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSet>
#include <QTableWidget>
#include <QVBoxLayout>

namespace pgferry::wizard {

namespace {
constexpr int IncludesRole = Qt::UserRole + 1;
constexpr int ExcludesRole = Qt::UserRole + 2;
constexpr int BytesRole = Qt::UserRole + 3;
constexpr int TablesRole = Qt::UserRole + 4;

bool isSystemDatabase(const QString &name)
{
    static const QSet<QString> names{QStringLiteral("azure_maintenance"), QStringLiteral("azure_sys"),
                                     QStringLiteral("rdsadmin"), QStringLiteral("cloudsqladmin")};
    return names.contains(name);
}

// A target database name libpq and the server accept without surprises.
bool validTargetName(const QString &name)
{
    return !name.trimmed().isEmpty() && name.size() <= 63 && !name.contains(QChar(0));
}
} // namespace

DatabasesPage::DatabasesPage(MigrationWizard *wizard) : WizardPage(wizard)
{
    setTitle(tr("Databases"));
    setSubTitle(tr("Select the databases to migrate. Each can get another name on the target and a filter of "
                   "its tables."));
    m_table = new QTableWidget(0, 6);
    m_table->setObjectName(QStringLiteral("databaseTable"));
    m_table->setAccessibleName(tr("Source databases"));
    m_table->setTabKeyNavigation(
        false); // Tab goes on to the buttons; the arrow keys move in the table, F2 edits
    m_table->setHorizontalHeaderLabels({tr("Database"), tr("Size"), tr("Tables"), tr("Assessment"),
                                        tr("Target database"), tr("Tables to migrate")});
    m_table->verticalHeader()->setVisible(false);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed |
                             QAbstractItemView::SelectedClicked);
    m_table->setAlternatingRowColors(true);
    m_table->horizontalHeader()->setSectionResizeMode(NameColumn, QHeaderView::Stretch);
    m_table->horizontalHeader()->setSectionResizeMode(TargetColumn, QHeaderView::Stretch);
    m_table->setColumnWidth(SizeColumn, 90);
    m_table->setColumnWidth(TablesColumn, 70);
    m_table->setColumnWidth(AssessmentColumn, 110);
    m_table->setColumnWidth(FilterColumn, 140);

    auto *all = new QPushButton(tr("Select &all"));
    all->setObjectName(QStringLiteral("selectAllDatabases"));
    auto *none = new QPushButton(tr("Select n&one"));
    none->setObjectName(QStringLiteral("selectNoDatabases"));
    m_filter = new QPushButton(tr("Filter &tables…"));
    m_filter->setObjectName(QStringLiteral("filterTables"));
    m_filter->setAccessibleName(tr("Filter the tables of the selected database"));
    m_filter->setEnabled(false);
    m_refresh = new QPushButton(tr("&Refresh"));
    m_refresh->setObjectName(QStringLiteral("refreshDatabases"));
    m_refresh->setAccessibleName(tr("Read the source's databases again"));
    m_summary = new QLabel;
    m_summary->setObjectName(QStringLiteral("databaseSummary"));
    m_error = makeErrorLabel(QStringLiteral("databaseError"));

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(all);
    buttons->addWidget(none);
    buttons->addWidget(m_filter);
    buttons->addStretch();
    buttons->addWidget(m_refresh);
    auto *v = new QVBoxLayout(this);
    v->addLayout(buttons);
    v->addWidget(m_table, 1);
    v->addWidget(m_error);
    v->addWidget(m_summary);

    auto setAll = [this](bool on) {
        for (int r = 0; r < m_table->rowCount(); ++r)
            m_table->item(r, NameColumn)->setCheckState(on ? Qt::Checked : Qt::Unchecked);
    };
    connect(all, &QPushButton::clicked, this, [setAll] { setAll(true); });
    connect(none, &QPushButton::clicked, this, [setAll] { setAll(false); });
    connect(m_filter, &QPushButton::clicked, this, [this] { editFilter(m_table->currentRow()); });
    connect(m_table, &QTableWidget::cellDoubleClicked, this, [this](int row, int col) {
        if (col == FilterColumn)
            editFilter(row);
    });
    connect(m_table, &QTableWidget::currentCellChanged, this,
            [this](int row) { m_filter->setEnabled(row >= 0); });
    connect(m_table, &QTableWidget::itemChanged, this, [this] {
        if (m_rebuilding)
            return;
        updateSummary();
        if (!loading())
            Q_EMIT edited();
        Q_EMIT completeChanged();
    });
    connect(m_refresh, &QPushButton::clicked, this, [this] {
        const project::Project p = mw()->project();
        pg::ConnInfo ci = p.source.connInfo();
        ci.password = mw()->credentials().sourcePassword;
        m_refresh->setEnabled(false);
        m_summary->setText(tr("Reading the source's databases…"));
        runInBackground(
            this, [services = mw()->services(), ci] { return services->testConnection(ci); },
            [this](const ConnectionCheck &check) {
                m_refresh->setEnabled(true);
                if (!check.ok) {
                    setError(m_error, check.message);
                    return;
                }
                mw()->setSourceCheck(check);
            });
    });
    connect(wizard, &MigrationWizard::sourceChecked, this, [this] {
        project::Project p;
        storeTo(p);
        m_selections = p.databases;
        rebuild();
    });
    connect(wizard, &MigrationWizard::assessmentChanged, this, &DatabasesPage::refreshAssessment);
}

void DatabasesPage::loadFrom(const project::Project &p)
{
    m_selections = p.databases;
    rebuild();
}

void DatabasesPage::initializePage()
{
    project::Project p;
    storeTo(p);
    m_selections = p.databases;
    rebuild();
}

void DatabasesPage::rebuild()
{
    m_rebuilding = true;
    m_table->setRowCount(0);
    QList<assess::DatabaseInventory> dbs;
    for (const assess::DatabaseInventory &d : mw()->sourceCheck().inventory.databases)
        if (!isSystemDatabase(d.name))
            dbs.append(d);
    for (const project::DatabaseSelection &s : m_selections) {
        const bool known =
            std::any_of(dbs.begin(), dbs.end(), [&](const auto &d) { return d.name == s.name; });
        if (!known) {
            assess::DatabaseInventory d;
            d.name = s.name;
            dbs.append(d);
        }
    }
    for (const assess::DatabaseInventory &d : dbs) {
        const int row = m_table->rowCount();
        m_table->insertRow(row);
        const auto sel = std::find_if(m_selections.begin(), m_selections.end(),
                                      [&](const auto &s) { return s.name == d.name; });
        auto *name = new QTableWidgetItem(d.name);
        name->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsUserCheckable);
        name->setCheckState(sel != m_selections.end() ? Qt::Checked : Qt::Unchecked);
        name->setData(IncludesRole, sel != m_selections.end() ? sel->includeTables : QStringList());
        name->setData(ExcludesRole, sel != m_selections.end() ? sel->excludeTables : QStringList());
        name->setData(BytesRole, d.sizeBytes);
        name->setData(TablesRole, d.tableCount);
        if (!d.owner.isEmpty())
            name->setToolTip(tr("Owner %1, encoding %2").arg(d.owner, d.encoding));
        m_table->setItem(row, NameColumn, name);
        auto *size = new QTableWidgetItem(Format::bytes(d.sizeBytes));
        size->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
        size->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        m_table->setItem(row, SizeColumn, size);
        auto *tables =
            new QTableWidgetItem(d.tableCount >= 0 ? Format::count(d.tableCount) : QStringLiteral("–"));
        tables->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
        tables->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        if (!d.error.isEmpty())
            tables->setToolTip(d.error);
        m_table->setItem(row, TablesColumn, tables);
        auto *assessment = new QTableWidgetItem;
        assessment->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
        m_table->setItem(row, AssessmentColumn, assessment);
        auto *target = new QTableWidgetItem(sel != m_selections.end() ? sel->effectiveTarget() : d.name);
        target->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsEditable);
        target->setToolTip(tr("Double-click to give the database another name on the target."));
        m_table->setItem(row, TargetColumn, target);
        auto *filter = new QTableWidgetItem;
        filter->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
        filter->setToolTip(tr("Double-click to choose the tables."));
        m_table->setItem(row, FilterColumn, filter);
    }
    m_rebuilding = false;
    refreshAssessment();
    updateSummary();
    Q_EMIT completeChanged();
}

void DatabasesPage::refreshAssessment()
{
    const AssessmentResult &r = mw()->assessment();
    m_rebuilding = true;
    for (int row = 0; row < m_table->rowCount(); ++row) {
        QTableWidgetItem *it = m_table->item(row, AssessmentColumn);
        if (!r.ran) {
            it->setText(tr("not assessed"));
            it->setIcon({});
            continue;
        }
        const Severity s = r.worst(m_table->item(row, NameColumn)->text());
        it->setText(severityLabel(s));
        it->setIcon(severityIcon(s));
    }
    m_rebuilding = false;
}

void DatabasesPage::updateSummary()
{
    int n = 0;
    qint64 bytes = 0;
    int tables = 0;
    m_rebuilding = true;
    for (int row = 0; row < m_table->rowCount(); ++row) {
        QTableWidgetItem *name = m_table->item(row, NameColumn);
        const QStringList inc = name->data(IncludesRole).toStringList();
        const QStringList exc = name->data(ExcludesRole).toStringList();
        m_table->item(row, FilterColumn)
            ->setText(inc.isEmpty() && exc.isEmpty() ? tr("All tables")
                      : inc.isEmpty()                ? tr("All but %n", nullptr, int(exc.size()))
                                      : tr("%n pattern(s)", nullptr, int(inc.size() + exc.size())));
        if (name->checkState() != Qt::Checked)
            continue;
        ++n;
        bytes += std::max<qint64>(0, name->data(BytesRole).toLongLong());
        tables += std::max(0, name->data(TablesRole).toInt());
    }
    m_rebuilding = false;
    if (m_table->rowCount() == 0)
        m_summary->setText(tr("Test the source connection to list its databases."));
    else
        m_summary->setText(tr("%n database(s) selected", nullptr, n) + QStringLiteral(" · ") +
                           tr("%1 in %n table(s)", nullptr, tables).arg(Format::bytes(bytes)));
    setError(m_error, validationError());
}

QString DatabasesPage::validationError() const
{
    QSet<QString> targets;
    for (int row = 0; row < m_table->rowCount(); ++row) {
        if (m_table->item(row, NameColumn)->checkState() != Qt::Checked)
            continue;
        const QString t = m_table->item(row, TargetColumn)->text().trimmed();
        if (!validTargetName(t))
            return tr("The target name of %1 must have 1 to 63 characters.")
                .arg(m_table->item(row, NameColumn)->text());
        if (targets.contains(t))
            return tr("Two databases would both go to %1 on the target. Give one of them another target "
                      "name.")
                .arg(t);
        targets.insert(t);
    }
    return {};
}

void DatabasesPage::storeTo(project::Project &p) const
{
    p.databases.clear();
    for (int row = 0; row < m_table->rowCount(); ++row) {
        QTableWidgetItem *name = m_table->item(row, NameColumn);
        if (name->checkState() != Qt::Checked)
            continue;
        project::DatabaseSelection s;
        s.name = name->text();
        const QString t = m_table->item(row, TargetColumn)->text().trimmed();
        s.targetName = t == s.name ? QString() : t;
        s.includeTables = name->data(IncludesRole).toStringList();
        s.excludeTables = name->data(ExcludesRole).toStringList();
        p.databases.append(s);
    }
}

bool DatabasesPage::isComplete() const
{
    bool any = false;
    for (int row = 0; row < m_table->rowCount(); ++row)
        any |= m_table->item(row, NameColumn)->checkState() == Qt::Checked;
    return any && validationError().isEmpty();
}

void DatabasesPage::editFilter(int row)
{
    if (row < 0 || row >= m_table->rowCount())
        return;
    QTableWidgetItem *name = m_table->item(row, NameColumn);
    const project::Project p = mw()->project();
    pg::ConnInfo ci = p.source.connInfo(name->text());
    ci.password = mw()->credentials().sourcePassword;
    TableFilterDialog dlg(mw()->services(), ci, name->data(IncludesRole).toStringList(),
                          name->data(ExcludesRole).toStringList(), this);
    if (dlg.exec() != QDialog::Accepted)
        return;
    name->setData(IncludesRole, dlg.includes());
    name->setData(ExcludesRole, dlg.excludes());
    name->setCheckState(Qt::Checked);
    updateSummary();
    Q_EMIT edited();
}

} // namespace pgferry::wizard

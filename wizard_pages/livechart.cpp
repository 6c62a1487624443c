#include "livechart.h"

#include <QEvent>
#include <QLegend>
#include <QLineSeries>
#include <QValueAxis>
#include <cmath>

namespace pgferry::wizard {

namespace {
// A round upper bound for an axis: 1, 2, 5 × 10^n.
double niceCeil(double v)
{
    if (v <= 0)
        return 1;
    const double e = std::pow(10.0, std::floor(std::log10(v)));
    for (double m : {1.0, 2.0, 2.5, 5.0, 10.0})
        if (v <= m * e)
            return m * e;
    return 10 * e;
}
} // namespace

LiveChart::LiveChart(const QString &title, const QString &leftName, const QString &rightName, QWidget *parent) : QChartView(parent)
{
    setRenderHint(QPainter::Antialiasing);
    auto *chart = new QChart;
    chart->setTitle(title);
    chart->setMargins(QMargins(4, 4, 4, 4));
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->setAnimationOptions(QChart::NoAnimation);
    m_left = new QLineSeries;
    m_left->setName(leftName);
    m_right = new QLineSeries;
    m_right->setName(rightName);
    chart->addSeries(m_left);
    chart->addSeries(m_right);
    m_x = new QValueAxis;
    m_x->setLabelFormat(QStringLiteral("%d"));
    m_x->setTitleText(tr("seconds"));
    m_x->setRange(0, 60);
    m_yLeft = new QValueAxis;
    m_yLeft->setLabelFormat(QStringLiteral("%.0f"));
    m_yLeft->setRange(0, 1);
    m_yLeft->setTickCount(6);
    m_yRight = new QValueAxis;
    m_yRight->setTickCount(6);
    m_yRight->setLabelFormat(QStringLiteral("%.1f"));
    m_yRight->setRange(0, 1);
    chart->addAxis(m_x, Qt::AlignBottom);
    chart->addAxis(m_yLeft, Qt::AlignLeft);
    chart->addAxis(m_yRight, Qt::AlignRight);
    m_left->attachAxis(m_x);
    m_left->attachAxis(m_yLeft);
    m_right->attachAxis(m_x);
    m_right->attachAxis(m_yRight);
    setChart(chart);
    applyPalette();
}

void LiveChart::applyPalette()
{
    const QPalette pal = palette();
    const bool dark = pal.color(QPalette::Window).lightness() < 128;
    QChart *c = chart();
    c->setTheme(dark ? QChart::ChartThemeDark : QChart::ChartThemeLight);
    c->setBackgroundBrush(pal.color(QPalette::Base));
    c->setBackgroundRoundness(4);
    c->setTitleBrush(pal.color(QPalette::Text));
    c->legend()->setLabelColor(pal.color(QPalette::Text));
    QFont tf = font();
    tf.setBold(true);
    c->setTitleFont(tf);
    for (QValueAxis *a : {m_x, m_yLeft, m_yRight}) {
        a->setLabelsColor(pal.color(QPalette::Text));
        a->setTitleBrush(pal.color(QPalette::Text));
        a->setGridLineColor(pal.color(QPalette::Mid));
        QFont f = font();
        f.setPointSizeF(f.pointSizeF() * 0.85);
        a->setLabelsFont(f);
        a->setTitleFont(f);
    }
    m_left->setPen(QPen(QColor(0x2f, 0x74, 0xc0), 2));
    m_right->setPen(QPen(QColor(0xd8, 0x8c, 0x00), 2));
    m_yLeft->setLinePenColor(QColor(0x2f, 0x74, 0xc0));
    m_yRight->setLinePenColor(QColor(0xd8, 0x8c, 0x00));
}

void LiveChart::changeEvent(QEvent *e)
{
    QChartView::changeEvent(e);
    if (e->type() == QEvent::PaletteChange)
        applyPalette();
}

void LiveChart::addPoint(double x, double left, double right)
{
    m_left->append(x, left);
    m_right->append(x, right);
    // Drop what slid out of the window, in one go so the series repaints once.
    const double from = x - m_window;
    if (m_left->count() > 2 && m_left->at(0).x() < from) {
        int n = 0;
        while (n < m_left->count() - 1 && m_left->at(n).x() < from)
            ++n;
        m_left->removePoints(0, n);
        m_right->removePoints(0, n);
    }
    m_maxLeft = 1;
    m_maxRight = 1;
    for (int i = 0; i < m_left->count(); ++i) {
        m_maxLeft = std::max(m_maxLeft, m_left->at(i).y());
        m_maxRight = std::max(m_maxRight, m_right->at(i).y());
    }
    m_yLeft->setRange(0, niceCeil(m_maxLeft * 1.1));
    m_yRight->setRange(0, niceCeil(m_maxRight * 1.1));
    const double start = m_left->count() ? m_left->at(0).x() : 0;
    m_x->setRange(start, std::max(start + 60, x));
}

void LiveChart::clear()
{
    m_left->clear();
    m_right->clear();
    m_x->setRange(0, 60);
    m_yLeft->setRange(0, 1);
    m_yRight->setRange(0, 1);
}

int LiveChart::pointCount() const { return int(m_left->count()); }

} // namespace pgferry::wizard

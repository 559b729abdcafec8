import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  ElementRef,
  afterNextRender,
  effect,
  inject,
  input,
  viewChild,
} from '@angular/core';
import type { DailyUsageDto } from '@loop-gateway/api-client';
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  type ChartConfiguration,
  Legend,
  LineController,
  LineElement,
  LinearScale,
  PointElement,
  Tooltip,
} from 'chart.js';
import { dailyChartData } from './usage-chart-data';

// Only the pieces this chart uses, so the bundle stays small.
Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  Legend,
  LineController,
  LineElement,
  LinearScale,
  PointElement,
  Tooltip,
);

type DailyChart = Chart<'bar' | 'line', number[], string>;

const tokens = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });
const dollars = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 4 });

/** Tokens in and out per day as stacked bars, with the estimated cost as a line on its own axis. */
@Component({
  selector: 'lg-daily-usage-chart',
  template: `<div class="chart"><canvas #canvas role="img" [attr.aria-label]="label()"></canvas></div>`,
  styles: `
    .chart {
      position: relative;
      height: 280px;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class DailyUsageChart {
  readonly days = input.required<readonly DailyUsageDto[]>();

  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  private readonly canvas = viewChild.required<ElementRef<HTMLCanvasElement>>('canvas');
  private chart: DailyChart | null = null;

  constructor() {
    afterNextRender(() => {
      const context = this.canvas().nativeElement.getContext('2d');
      if (context) this.chart = new Chart(context, this.config());
    });
    effect(() => {
      const data = dailyChartData(this.days());
      const chart = this.chart;
      if (!chart) return;
      chart.data.labels = data.labels;
      chart.data.datasets[0]!.data = data.inputTokens;
      chart.data.datasets[1]!.data = data.outputTokens;
      chart.data.datasets[2]!.data = data.costUsd;
      chart.update();
    });
    inject(DestroyRef).onDestroy(() => this.chart?.destroy());
  }

  protected label(): string {
    const data = dailyChartData(this.days());
    const total = data.inputTokens.reduce((a, b) => a + b, 0) + data.outputTokens.reduce((a, b) => a + b, 0);
    return `Tokens and estimated cost per day over the last ${data.labels.length} days: ${tokens.format(total)} tokens`;
  }

  private config(): ChartConfiguration<'bar' | 'line', number[], string> {
    const data = dailyChartData(this.days());
    const color = (css: string) => this.resolve(css);
    const text = color('var(--mat-sys-on-surface-variant)');
    const grid = color('var(--mat-sys-outline-variant)');
    return {
      type: 'bar',
      data: {
        labels: data.labels,
        datasets: [
          {
            type: 'bar',
            label: 'Input tokens',
            data: data.inputTokens,
            backgroundColor: color('var(--mat-sys-primary)'),
            stack: 'tokens',
            yAxisID: 'tokens',
            order: 2,
          },
          {
            type: 'bar',
            label: 'Output tokens',
            data: data.outputTokens,
            // Teal: clearly apart from the primary blue in light and dark schemes.
            backgroundColor: color('light-dark(#00897b, #4db6ac)'),
            stack: 'tokens',
            yAxisID: 'tokens',
            order: 2,
          },
          {
            type: 'line',
            label: 'Estimated cost',
            data: data.costUsd,
            borderColor: color('var(--mat-sys-error)'),
            backgroundColor: color('var(--mat-sys-error)'),
            pointRadius: 2,
            yAxisID: 'cost',
            order: 1,
          },
        ],
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: 'index', intersect: false },
        plugins: {
          legend: { labels: { color: text, boxWidth: 12 } },
          tooltip: {
            callbacks: {
              label: (item) =>
                item.dataset.yAxisID === 'cost'
                  ? `${item.dataset.label}: ${dollars.format(item.parsed.y ?? 0)}`
                  : `${item.dataset.label}: ${(item.parsed.y ?? 0).toLocaleString('en-US')}`,
            },
          },
        },
        scales: {
          x: { stacked: true, ticks: { color: text, maxRotation: 0, autoSkipPadding: 12 }, grid: { display: false } },
          tokens: {
            type: 'linear',
            position: 'left',
            stacked: true,
            beginAtZero: true,
            ticks: { color: text, callback: (value) => tokens.format(Number(value)) },
            grid: { color: grid },
            title: { display: true, text: 'Tokens', color: text },
          },
          cost: {
            type: 'linear',
            position: 'right',
            beginAtZero: true,
            ticks: { color: text, callback: (value) => dollars.format(Number(value)) },
            grid: { display: false },
            title: { display: true, text: 'USD', color: text },
          },
        },
      },
    };
  }

  /** A CSS colour as the canvas needs it (theme tokens are light-dark() pairs, resolved by the browser). */
  private resolve(css: string): string {
    const probe = this.host.nativeElement.ownerDocument.createElement('span');
    probe.style.color = css;
    this.host.nativeElement.appendChild(probe);
    const value = getComputedStyle(probe).color;
    probe.remove();
    return value || '#888';
  }
}

// Learning-rate schedules, evaluated once per epoch (epoch is 0-based).
import type { ExperimentConfig } from '../config.ts';

export function learningRateAt(config: ExperimentConfig, epoch: number): number {
  const lr = config.optimizer.lr;
  const s = config.schedule;
  switch (s.type) {
    case 'constant':
      return lr;
    case 'step':
      return lr * Math.pow(s.gamma, Math.floor(epoch / s.stepSize));
    case 'cosine': {
      const total = Math.max(config.epochs - 1, 1);
      return s.minLr + ((lr - s.minLr) * (1 + Math.cos((Math.PI * Math.min(epoch, total)) / total))) / 2;
    }
  }
}

import type { Activation } from '../../tensor/backend.js';
import type { BertHiddenAct } from './config.js';

/** The backend activation computing a config.json `hidden_act`. */
export function activationOf(hiddenAct: BertHiddenAct): Activation {
  switch (hiddenAct) {
    case 'gelu':
      return 'gelu';
    case 'gelu_new':
    case 'gelu_pytorch_tanh':
    case 'gelu_fast':
      return 'gelu_tanh';
    case 'quick_gelu':
      return 'quick_gelu';
    case 'relu':
      return 'relu';
    case 'silu':
    case 'swish':
      return 'silu';
  }
}

import React from 'react';
import { detailsLines } from '../details.js';
import type { TuiState } from '../state.js';
import { Lines } from './Lines.js';

export function DetailsPane({ state, height, width }: { state: TuiState; height: number; width: number }): React.JSX.Element {
  const lines = detailsLines(state, width);
  const top = Math.max(0, Math.min(state.detailsScroll, lines.length - height));
  return <Lines lines={lines.slice(top)} height={height} width={width} />;
}

export * from './node-exporter';

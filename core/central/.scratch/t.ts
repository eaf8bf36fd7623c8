import pc from 'polygon-clipping';
import { Delaunay } from 'd3-delaunay';
console.log(typeof pc.intersection, typeof Delaunay);
const r = pc.intersection([[[0,0],[2,0],[2,2],[0,2],[0,0]]], [[[1,1],[3,1],[3,3],[1,3],[1,1]]]);
console.log(JSON.stringify(r));
